"""Script-aware analysis: which terms, positions and character offsets each family produces.

Terms are what a query must produce to match; positions count words, so phrase queries work;
offsets point into the original text, so highlighting marks the right characters.
"""

from __future__ import annotations

import pickle
import re

import pytest
from whoosh import index
from whoosh.fields import ID, TEXT, Schema
from whoosh.highlight import ContextFragmenter, HtmlFormatter, highlight
from whoosh.lang import languages
from whoosh.qparser import QueryParser
from whoosh.query import Phrase

from search.analysis import FAMILIES, analyzer_for, family_for
from search.analysis.normalize import nfkc_with_offsets


def terms(family: str, text: str) -> list[str]:
    return [t.text for t in analyzer_for(family)(text)]


def tokens(family: str, text: str) -> list[tuple[str, int, int, int]]:
    """(term, position, startchar, endchar) for each token."""
    return [
        (t.text, t.pos, t.startchar, t.endchar)
        for t in analyzer_for(family)(text, positions=True, chars=True)
    ]


def tokens_in_mode(family: str, text: str, mode: str) -> list[tuple[str, int, int, int]]:
    return [
        (t.text, t.pos, t.startchar, t.endchar)
        for t in analyzer_for(family)(text, positions=True, chars=True, mode=mode)
    ]


def terms_in_mode(family: str, text: str, mode: str) -> list[str]:
    return [t.text for t in analyzer_for(family)(text, mode=mode)]


def surfaces(family: str, text: str) -> list[str]:
    """The original characters each token covers."""
    return [text[start:end] for _, _, start, end in tokens(family, text)]


# --- Latin words: stemming, possessives, folding, stop words --------------------------------


def test_english_inflections_stem_to_one_term():
    assert tokens("en", "abductions abducted abduction") == [
        ("abduct", 0, 0, 10),
        ("abduct", 1, 11, 19),
        ("abduct", 2, 20, 29),
    ]


def test_english_stemmer_is_porter2_not_porter():
    assert terms("en", "Running") == ["run"]


@pytest.mark.parametrize(
    ("family", "inflections", "stem"),
    [
        ("en", "connection connected connecting", "connect"),
        ("de", "Häuser Haus Hauses", "haus"),
        ("fr", "nationalité nationalités", "nationalit"),
        ("ru", "книга книги книгой", "книг"),
        ("es", "canciones canción", "cancion"),
    ],
)
def test_each_language_stems_its_own_inflections(family, inflections, stem):
    assert set(terms(family, inflections)) == {stem}


@pytest.mark.parametrize("text", ["Japan's", "Japan’s"])
def test_possessive_is_stripped_with_either_apostrophe(text):
    assert tokens("en", text) == [("japan", 0, 0, 7)]


def test_apostrophe_keeps_a_contraction_whole():
    assert terms("en", "don’t stop") == ["don't", "stop"]


def test_possessive_is_stripped_in_families_without_a_stemmer():
    assert terms("zh", "Apple’s 手机") == ["apple", "手机"]


def test_accents_are_folded():
    assert terms("en", "café") == ["cafe"]
    assert terms("fr", "café") == terms("fr", "cafe")
    assert terms("other", "Αθήνα") == ["αθηνα"]


def test_accents_are_folded_before_stemming_so_unaccented_queries_match():
    assert terms("fr", "nationalité") == terms("fr", "nationalite")
    assert terms("de", "Häuser") == terms("de", "hauser") == ["haus"]


def test_russian_short_i_is_a_letter_not_an_accent():
    # Folding й to и would hide the adjective ending -ый from the Russian stemmer.
    assert terms("ru", "новый новая") == ["нов", "нов"]
    assert terms("ru", "ёлка") == terms("ru", "елка")


def test_marks_of_other_scripts_are_kept():
    assert terms("other", "हिंदी ภาษาไทย עִבְרִית") == ["हिंदी", "ภาษาไทย", "עִבְרִית"]


def test_french_and_italian_elisions_are_stripped():
    assert terms("fr", "l’État") == terms("fr", "état")
    assert terms("it", "dell'anno") == terms("it", "anno")


def test_turkish_suffix_after_apostrophe_is_stripped():
    assert terms("tr", "İstanbul'da") == ["istanbul"]


def test_arabic_words_are_stemmed():
    # Whoosh's own ISRI stemmer raises re.error on Python 3.7+; ours is repaired.
    assert terms("ar", "المكتبات والكتاب") == ["كتب", "كتب"]


def test_stop_words_stay_with_their_positions():
    assert [(term, pos) for term, pos, _, _ in tokens("en", "The state of the art")] == [
        ("the", 0),
        ("state", 1),
        ("of", 2),
        ("the", 3),
        ("art", 4),
    ]


# --- Han: jieba words, one position per word --------------------------------------------------


def test_chinese_is_segmented_into_words_numbered_by_word():
    text = "联系我们的网站"
    assert tokens("zh", text) == [
        ("联系", 0, 0, 2),
        ("我们", 1, 2, 4),
        ("的", 2, 4, 5),
        ("网站", 3, 5, 7),
    ]


def test_han_run_in_an_english_page_goes_through_jieba():
    text = "Please 联系我们 today."
    assert tokens("en", text) == [
        ("pleas", 0, 0, 6),
        ("联系", 1, 7, 9),
        ("我们", 2, 9, 11),
        ("today", 3, 12, 17),
    ]


def test_latin_words_in_a_chinese_page_are_lowercased_and_folded_not_stemmed():
    assert terms("zh", "下载 Café MÜNCHEN Running 软件") == [
        "下载",
        "cafe",
        "munchen",
        "running",
        "软件",
    ]


def test_long_chinese_words_index_their_dictionary_sub_words_at_the_same_position():
    text = "中国农业发展银行"
    assert tokens_in_mode("zh", text, "index") == [
        ("中国", 0, 0, 2),
        ("农业发展银行", 1, 2, 8),
        ("农业", 1, 2, 4),
        ("发展", 1, 4, 6),
        ("银行", 1, 6, 8),
    ]
    assert terms_in_mode("zh", "软件安装简单方便", "index") == [
        "软件",
        "安装简单",
        "安装",
        "简单",
        "方便",
    ]


def test_sub_words_are_dictionary_words_up_to_the_longest_query_word():
    # 人民共和国 is one query word (5 characters); 华人 is in the dictionary, 民共 is not.
    subwords = terms_in_mode("zh", "中华人民共和国", "index")[1:]
    assert {"中华", "人民", "共和国", "人民共和国", "华人"} <= set(subwords)
    assert "民共" not in subwords and "中华人民共和国" not in subwords


def test_queries_analyse_whole_words_only():
    # jieba's search mode at query time would AND six sub-words (TRAPS.md).
    assert terms_in_mode("zh", "中华人民共和国", "query") == ["中华人民共和国"]
    assert terms_in_mode("zh", "安装简单", "query") == ["安装简单"]
    assert terms("zh", "中华人民共和国") == ["中华人民共和国"]  # Whoosh's default mode too


def test_modes_differ_only_by_chinese_sub_words():
    text = "中华人民共和国 abductions 東京都に行く 한국어"
    for family in ("en", "zh", "ko"):
        index = tokens_in_mode(family, text, "index")
        query = tokens_in_mode(family, text, "query")
        assert [t for t in index if t in query] == query
        words = {pos: (start, end) for _, pos, start, end in query}
        for _, pos, start, end in (t for t in index if t not in query):
            assert words[pos][0] <= start < end <= words[pos][1]  # inside its word
    assert tokens_in_mode("ja", text, "index") == tokens_in_mode("ja", text, "query")


def test_traditional_and_simplified_fold_to_one_form():
    assert terms("zh", "朝鮮") == terms("zh", "朝鲜") == ["朝鲜"]
    assert terms("zh", "我們聯繫了銀行") == terms("zh", "我们联系了银行")
    assert terms("en", "聯繫我們") == terms("en", "联系我们")


def test_folding_comes_before_jieba_so_traditional_segments_like_simplified():
    # jieba alone reads 東京都 as 東 / 京都 (Kyoto); folded, it is one word, 东京都.
    assert terms("zh", "東京都") == terms("zh", "东京都") == ["东京都"]


def test_folded_tokens_keep_offsets_into_the_traditional_text():
    text = "歡迎訪問朝鮮半島"
    assert surfaces("zh", text) == ["歡迎", "訪問", "朝鮮半島"]


def test_japanese_kanji_are_bigrammed_not_segmented_or_folded():
    assert terms("ja", "東京都庁") == ["東京", "京都", "都庁"]
    assert terms("zh", "東京都庁") == ["东京都", "庁"]


def test_han_query_is_segmented_per_family():
    assert terms("zh", "北京大学生") == ["北京", "大学生"]
    assert terms("ja", "北京大学生") == ["北京", "京大", "大学", "学生"]


# --- Kana and Hangul: bigrams -----------------------------------------------------------------


def test_japanese_kanji_and_kana_are_bigrammed_together():
    assert tokens("ja", "東京都に行く") == [
        ("東京", 0, 0, 2),
        ("京都", 1, 1, 3),
        ("都に", 2, 2, 4),
        ("に行", 3, 3, 5),
        ("行く", 4, 4, 6),
    ]


def test_kana_is_bigrammed_in_every_family():
    assert terms("zh", "カタカナ") == ["カタ", "タカ", "カナ"]


def test_hangul_is_bigrammed_and_a_single_syllable_kept():
    assert tokens("ko", "한국어 사전 한") == [
        ("한국", 0, 0, 2),
        ("국어", 1, 1, 3),
        ("사전", 2, 4, 6),
        ("한", 3, 7, 8),
    ]
    assert terms("en", "한국어") == ["한국", "국어"]


# --- Compatibility forms: NFKC before segmentation, offsets into the original ---------------


def test_full_width_latin_is_ascii():
    assert tokens("en", "ＡＢＣ") == [("abc", 0, 0, 3)]


def test_half_width_katakana_gives_the_same_terms_as_full_width():
    assert terms("ja", "ｶﾀｶﾅ") == terms("ja", "カタカナ") == ["カタ", "タカ", "カナ"]


def test_half_width_voiced_kana_offsets_point_into_the_original():
    # ｶﾞ is two characters and ガ one: terms follow NFKC, offsets the original.
    text = "ｶﾞｲﾄﾞ"
    assert terms("ja", text) == terms("ja", "ガイド") == ["ガイ", "イド"]
    assert surfaces("ja", text) == ["ｶﾞｲ", "ｲﾄﾞ"]


def test_offsets_after_a_length_changing_character():
    text = "㍿ ﬁnal café"
    assert terms("en", text) == ["株式会社", "final", "cafe"]
    assert surfaces("en", text) == ["㍿", "ﬁnal", "café"]


def test_nfkc_map_is_omitted_when_offsets_do_not_move():
    assert nfkc_with_offsets("全角，标点：ＡＢＣ") == ("全角,标点:ABC", None)


# --- Whoosh tokenizer protocol ----------------------------------------------------------------


def test_start_pos_and_start_char_shift_positions_and_offsets():
    analyzer = analyzer_for("en")
    result = [
        (t.text, t.pos, t.startchar, t.endchar)
        for t in analyzer("north korea", positions=True, chars=True, start_pos=5, start_char=100)
    ]
    assert result == [("north", 5, 100, 105), ("korea", 6, 106, 111)]


def test_keeporiginal_keeps_the_original_characters():
    analyzer = analyzer_for("en")
    assert [t.original for t in analyzer("Japan’s ＡＢＣ", keeporiginal=True)] == [
        "Japan’s",
        "ＡＢＣ",
    ]


def test_untokenized_value_is_one_normalised_token():
    analyzer = analyzer_for("en")
    assert [t.text for t in analyzer("Abductions ＡＢ", tokenize=False)] == ["abductions ab"]


# --- Families ---------------------------------------------------------------------------------


def test_families_cover_every_whoosh_stemmer_language_cjk_and_more():
    # Greek and Hindi have snowballstemmer's stemmers, Vietnamese keeps its accents.
    assert set(FAMILIES) == set(languages) | {"el", "hi", "vi", "zh", "ja", "ko", "other"}


@pytest.mark.parametrize(
    ("lang", "family"),
    [
        ("en", "en"),
        ("en-GB", "en"),
        ("EN", "en"),
        ("zh-Hant", "zh"),
        ("zh_CN", "zh"),
        ("zh-tw", "zh"),
        ("ja", "ja"),
        ("ko", "ko"),
        ("nb", "no"),
        ("deu", "de"),
        ("und", "other"),
        ("hi", "hi"),
        ("el", "el"),
        ("vi", "vi"),
        ("th", "other"),
        ("", "other"),
    ],
)
def test_family_for(lang, family):
    assert family_for(lang) == family


def test_unknown_family_is_an_error():
    with pytest.raises(ValueError):
        analyzer_for("xx")


@pytest.mark.parametrize("family", FAMILIES)
def test_every_analyzer_survives_pickling(family):
    analyzer = analyzer_for(family)
    copy = pickle.loads(pickle.dumps(analyzer))
    text = "Running abductions 联系我们 東京都 한국어 Москва"
    assert copy == analyzer
    assert [t.text for t in copy(text)] == terms(family, text)


# --- End to end: a real Whoosh index ----------------------------------------------------------

DOCS = [
    ("en1", "body_en", "Police reported several abductions in the north. North Korea denied it."),
    ("en2", "body_en", "The cat sat in a box."),
    ("zh1", "body_zh", "中国农业发展银行支持联系我们"),
    ("zh2", "body_zh", "我们联系了银行"),
    ("zh3", "body_zh", "这个软件安装简单方便"),
    ("zh4", "body_zh", "朝鮮半島的歷史"),  # Traditional
    ("zh5", "body_zh", "朝鲜战争"),  # Simplified
    ("zh6", "body_zh", "我們住在東京都"),  # Traditional
    ("ja1", "body_ja", "来週、東京都に行く予定です。"),
    ("ja2", "body_ja", "京都大学"),
]


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    directory = tmp_path_factory.mktemp("index")
    schema = Schema(
        id=ID(stored=True, unique=True),
        **{
            f"body_{family}": TEXT(analyzer=analyzer_for(family), phrase=True, stored=True)
            for family in ("en", "zh", "ja")
        },
    )
    ix = index.create_in(str(directory), schema)
    with ix.writer() as writer:
        for doc_id, field, text in DOCS:
            writer.add_document(id=doc_id, **{field: text})
    return directory


@pytest.fixture(scope="module")
def ix(index_dir):
    # Reopening unpickles the schema, analyzers included, from the index's table of contents.
    return index.open_dir(str(index_dir))


def hits(ix, field: str, query: str) -> set[str]:
    parsed = QueryParser(field, ix.schema).parse(query)
    with ix.searcher() as searcher:
        return {hit["id"] for hit in searcher.search(parsed)}


def test_reopened_index_has_the_same_analyzers(ix):
    for family in ("en", "zh", "ja"):
        assert ix.schema[f"body_{family}"].analyzer == analyzer_for(family)


def test_a_stemmed_query_finds_another_inflection(ix):
    assert hits(ix, "body_en", "abducted") == {"en1"}


def test_english_phrase_matches(ix):
    assert hits(ix, "body_en", '"north korea"') == {"en1"}


def test_phrase_of_stop_words_matches_only_where_adjacent(ix):
    assert hits(ix, "body_en", '"in the"') == {"en1"}


def test_chinese_phrase_of_adjacent_words_matches(ix):
    query = QueryParser("body_zh", ix.schema).parse('"联系我们"')
    assert isinstance(query, Phrase)
    assert hits(ix, "body_zh", '"联系我们"') == {"zh1"}
    assert hits(ix, "body_zh", "联系 我们") == {"zh1", "zh2"}


def test_a_word_inside_a_longer_chinese_word_is_found(ix):
    # meilisearch#2499: 简单 inside 安装简单; 农业 inside 农业发展银行.
    assert hits(ix, "body_zh", "简单") == {"zh3"}
    assert hits(ix, "body_zh", "农业") == {"zh1"}
    assert hits(ix, "body_zh", "发展") == {"zh1"}


def test_whole_long_words_are_still_one_term(ix):
    assert hits(ix, "body_zh", "安装简单") == {"zh3"}
    assert hits(ix, "body_zh", "农业发展银行") == {"zh1"}


def test_chinese_phrase_of_two_whole_words_across_a_word_with_sub_words(ix):
    # Sub-words share their word's position, so the words after it keep theirs.
    assert hits(ix, "body_zh", '"农业发展银行支持"') == {"zh1"}
    assert hits(ix, "body_zh", '"中国 农业发展银行"') == {"zh1"}
    assert hits(ix, "body_zh", '"支持 中国"') == set()


def test_traditional_and_simplified_find_each_other(ix):
    assert hits(ix, "body_zh", "朝鲜") == {"zh4", "zh5"}
    assert hits(ix, "body_zh", "朝鮮") == {"zh4", "zh5"}
    assert hits(ix, "body_zh", '"朝鮮半島"') == {"zh4"}
    assert hits(ix, "body_zh", "东京都") == {"zh6"}
    assert hits(ix, "body_zh", "東京都") == {"zh6"}
    assert hits(ix, "body_zh", "京都") == {"zh6"}  # a sub-word of 东京都, like 农业


def test_japanese_substring_matches_through_bigrams(ix):
    assert hits(ix, "body_ja", '"東京都"') == {"ja1"}
    assert hits(ix, "body_ja", '"京都"') == {"ja1", "ja2"}
    assert hits(ix, "body_ja", '"京都大学"') == {"ja2"}


def marked(family: str, text: str, query: str) -> list[str]:
    analyzer = analyzer_for(family)
    query_terms = {t.text for t in analyzer(query, mode="query")}
    html = highlight(
        text, query_terms, analyzer, ContextFragmenter(), HtmlFormatter(tagname="mark")
    )
    return re.findall(r"<mark[^>]*>(.*?)</mark>", html)


def test_highlight_marks_a_chinese_word_inside_longer_text():
    text = "欢迎访问我们的网站。如需帮助，请联系客服或拨打电话。"
    assert marked("zh", text, "联系") == ["联系"]


def test_highlight_marks_the_whole_inflected_english_word():
    text = "Police reported several abductions in the north."
    assert marked("en", text, "abducted") == ["abductions"]


def test_highlight_marks_original_half_width_characters():
    assert marked("ja", "旅行のｶﾞｲﾄﾞブック", "ガイ") == ["ｶﾞｲ"]


# --- Issue 8: Thai, Lao, Khmer, Myanmar; Arabic, Turkish, Greek, Devanagari, Vietnamese ------


def test_thai_is_segmented_into_words():
    assert terms("other", "ทีมรับของแพนเธอร์สยอมแพ้") == ["ทีม", "รับ", "ของ", "แพน", "เธอร์ส", "ยอมแพ้"]


def test_thai_compounds_index_their_pieces_at_their_position():
    assert tokens_in_mode("en", "ภาษาไทย ดี", "index") == [
        ("ภาษาไทย", 0, 0, 7),
        ("ภาษา", 0, 0, 4),
        ("ไทย", 0, 4, 7),
        ("ดี", 1, 8, 10),
    ]
    assert terms_in_mode("en", "ภาษาไทย", "query") == ["ภาษาไทย"]


def test_thai_with_and_without_spaces_shares_terms():
    spaced = set(terms_in_mode("other", "ภาษา ไทย", "index"))
    unspaced = set(terms_in_mode("other", "ภาษาไทย", "index"))
    assert spaced == {"ภาษา", "ไทย"} and spaced < unspaced


@pytest.mark.parametrize(
    ("text", "grams"),
    [
        ("ສະບາຍດີ", ["ສະ", "ະບ", "ບາ", "າຍ", "ຍດີ"]),  # Lao: a vowel sign stays with its letter
        ("ខ្មែរ", ["ខ្មែរ"]),  # Khmer: one cluster
    ],
)
def test_lao_khmer_and_myanmar_become_cluster_bigrams(text, grams):
    assert terms("other", text) == grams


@pytest.mark.parametrize("typed", ["İstanbul", "istanbul", "ISTANBUL", "Istanbul", "İSTANBUL"])
def test_turkish_istanbul_however_typed(typed):
    assert terms("tr", typed) == terms("en", typed) == ["istanbul"]


def test_turkish_is_lowercased_the_turkish_way_before_stemming():
    # I → ı lets the stemmer see the Turkish suffix -ları, then ı folds to i.
    assert terms("tr", "KİTAPLARI kitapları") == ["kitap", "kitap"]


@pytest.mark.parametrize("family", ["ar", "en", "other"])
def test_arabic_with_and_without_diacritics(family):
    assert terms(family, "الْكِتَابُ") == terms(family, "الكتاب")
    assert terms(family, "أحمد إسلام آمن") == terms(family, "احمد اسلام امن")
    assert terms(family, "مكتبـــة") == terms(family, "مكتبة")  # tatweel


@pytest.mark.parametrize("digits", ["٢٠١٦", "۲۰۱۶", "२०१६", "๒๐๑๖"])
def test_digits_of_other_scripts_are_ascii_digits(digits):
    assert terms("ar", digits) == terms("other", digits) == ["2016"]


def test_greek_accents_and_final_sigma_fold_then_stem():
    assert terms("el", "Αθήνας") == terms("el", "ΑΘΗΝΑΣ") == terms("el", "αθηνασ")
    assert terms("other", "πόλης") == ["πολησ"]


def test_devanagari_words_are_whole_and_normalised():
    assert terms("other", "हिन्दी हिंदी") == ["हिंदी", "हिंदी"]
    assert terms("other", "ज़िंदगी") == terms("other", "जिंदगी")  # nukta
    assert terms("hi", "लड़कियों लड़कियां") == terms("hi", "लडकियों लडकियां")


def test_vietnamese_keeps_its_marks_beside_the_folded_form():
    assert tokens_in_mode("vi", "Việt Nam", "index") == [
        ("việt", 0, 0, 4),
        ("viet", 0, 0, 4),
        ("nam", 1, 5, 8),
    ]
    # Typed with marks, only that spelling; typed without, every spelling.
    assert terms_in_mode("vi", "má", "query") == ["má"]
    assert terms_in_mode("vi", "ma", "query") == ["ma"]
    assert terms("other", "đường") == ["duong"]


@pytest.mark.parametrize("family", FAMILIES)
def test_every_family_reads_thai_and_arabic_the_same(family):
    assert terms(family, "ภาษาไทย") == ["ภาษาไทย"]
    assert terms(family, "إسلام") == (["سلم"] if family == "ar" else ["اسلام"])
