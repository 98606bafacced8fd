"""Snippets: which sentences are shown, which characters are marked, and what is escaped.

Terms are what the engine passes: the query analysed for the body's field (mode="query").
"""

from __future__ import annotations

import dataclasses
import re

import pytest
from whoosh import index
from whoosh.fields import ID, TEXT, Schema
from whoosh.qparser import QueryParser

from search.analysis import analyzer_for
from search.snippets import SNIPPET_CHARS, Snippet, make_snippet, snippet


def query_terms(family: str, query: str) -> set[str]:
    return {t.text for t in analyzer_for(family)(query, mode="query")}


def make(family: str, body: str, query: str) -> Snippet:
    return make_snippet(body, query_terms(family, query), analyzer_for(family))


def marks(result: Snippet) -> list[str]:
    return re.findall(r"<mark>(.*?)</mark>", result.html)


def assert_offsets_agree(result: Snippet, body: str) -> None:
    """Each mark's offsets point at the same characters in the snippet text and the body."""
    assert len(result.offsets) == len(result.body_offsets) == len(marks(result))
    for (start, end), (body_start, body_end), marked in zip(
        result.offsets, result.body_offsets, marks(result), strict=True
    ):
        assert result.text[start:end] == body[body_start:body_end] == marked


# --- The value ------------------------------------------------------------------------------


def test_a_snippet_is_frozen_plain_data():
    result = make("en", "Police reported abductions.", "abducted")
    assert result == Snippet(
        html="Police reported <mark>abductions</mark>.",
        text="Police reported abductions.",
        offsets=((16, 26),),
        body_offsets=((16, 26),),
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.html = ""  # type: ignore[misc]


def test_snippet_keeps_returning_the_html_for_the_engine():
    body = "Police reported abductions."
    terms = query_terms("en", "abducted")
    assert (
        snippet(body, terms, analyzer_for("en"))
        == make_snippet(body, terms, analyzer_for("en")).html
    )


# --- What is marked -------------------------------------------------------------------------


def test_an_inflected_english_word_is_marked_whole():
    body = "Police reported several abductions in the north."
    result = make("en", body, "abducted")
    assert marks(result) == ["abductions"]
    assert result.body_offsets == ((24, 34),)
    assert_offsets_agree(result, body)


def test_a_chinese_word_is_marked_on_exactly_its_characters():
    body = "欢迎访问我们的网站。如需帮助，请联系客服或拨打电话。"
    result = make("zh", body, "联系")
    assert marks(result) == ["联系"]
    assert result.body_offsets == ((16, 18),)
    assert_offsets_agree(result, body)


def test_a_word_inside_a_longer_chinese_word_is_marked_on_its_own_characters():
    # 农业 is an index-time sub-word of 农业发展银行: the mark covers 农业, not the long word.
    body = "中国农业发展银行支持农村经济。"
    result = make("zh", body, "农业")
    assert marks(result) == ["农业"]
    assert result.body_offsets == ((2, 4),)
    assert_offsets_agree(result, body)


def test_a_simplified_query_marks_the_traditional_characters_of_the_page():
    body = "歡迎訪問朝鮮半島。"
    result = make("zh", body, "朝鲜")
    assert marks(result) == ["朝鮮"]
    assert_offsets_agree(result, body)


def test_overlapping_bigrams_make_one_mark():
    # 東京都 is the bigrams 東京 (0-2) and 京都 (1-3): one mark over all three characters.
    body = "来週、東京都に行く予定です。"
    result = make("ja", body, "東京都")
    assert marks(result) == ["東京都"]
    assert result.body_offsets == ((3, 6),)
    assert_offsets_agree(result, body)


def test_touching_words_make_one_mark():
    body = "如有问题，请联系我们。"
    result = make("zh", body, "联系 我们")
    assert marks(result) == ["联系我们"]
    assert_offsets_agree(result, body)


def test_half_width_kana_are_marked_on_the_original_characters():
    body = "旅行のｶﾞｲﾄﾞブック。"
    result = make("ja", body, "ガイド")
    assert marks(result) == ["ｶﾞｲﾄﾞ"]
    assert_offsets_agree(result, body)


def test_full_width_latin_is_marked():
    body = "Ｓｉｆｔｅｒ ＡＢＣ test."
    result = make("en", body, "abc")
    assert marks(result) == ["ＡＢＣ"]
    assert_offsets_agree(result, body)


@pytest.mark.parametrize(
    ("family", "body", "query", "marked"),
    [
        ("de", "Wir wohnen in der Hauptstraße. Die Straßen sind breit.", "strasse", ["Straßen"]),
        ("fr", "Le café est ouvert. Nous aimons les cafés.", "cafe", ["café", "cafés"]),
        ("ru", "Мы читали книги. Новая книга.", "книга", ["книги", "книга"]),
        ("ar", "زرت المكتبات والكتاب في المدينة.", "مكتبة", ["المكتبات", "والكتاب"]),
    ],
)
def test_stemmed_and_folded_words_are_marked_in_every_language(family, body, query, marked):
    result = make(family, body, query)
    assert marks(result) == marked
    assert_offsets_agree(result, body)


def test_spellings_a_probe_cannot_foresee_are_still_marked_in_the_shown_text():
    # ﬁ is NFKC fi and porter2 makes dying "die": no probe finds them, the opening shows them.
    body = "The ﬁnal report. It was dying down."
    assert marks(make("en", body, "final dying")) == ["ﬁnal", "dying"]


def test_offsets_count_code_points_after_astral_characters():
    body = "🙂🙂 Megumi Yokota disappeared."
    result = make("en", body, "yokota")
    assert result.body_offsets == ((10, 16),)
    assert_offsets_agree(result, body)


# --- Escaping -------------------------------------------------------------------------------


def test_everything_but_the_marks_is_escaped():
    body = '<script>alert(1)</script> The payload "><img src=x onerror=alert(2)> & more.'
    result = make("en", body, "payload")
    assert "<script" not in result.html and "<img" not in result.html
    assert "&lt;script&gt;" in result.html and "&amp; more" in result.html
    assert re.sub(r"</?mark>", "", result.html).count("<") == 0
    assert result.text.startswith("<script>alert(1)</script>")  # the plain text is not escaped
    assert_offsets_agree(result, body)


def test_a_marked_word_holding_markup_characters_is_escaped_inside_the_mark():
    body = "Use AT&T today."
    result = make("en", body, "t")
    assert "<mark>T</mark>" in result.html and "&amp;" in result.html


# --- Which text is shown --------------------------------------------------------------------

SENTENCES = [
    "The harbour opened in spring.",
    "Fishing boats came back at dawn.",
    "Tourists walked along the pier all day.",
    "The lighthouse was repainted white.",
    "Later the lighthouse keeper retired after thirty years.",
    "A storm closed the harbour for a week.",
    "The market sold fish and bread.",
]
LONG_BODY = " ".join(SENTENCES * 6)


def fragments(result: Snippet) -> list[str]:
    return [f.strip() for f in result.text.split("…") if f.strip()]


def test_fragments_are_whole_sentences_within_the_length():
    result = make("en", LONG_BODY, "lighthouse keeper")
    assert len(result.text) <= SNIPPET_CHARS + 10
    assert 1 <= len(fragments(result)) <= 3
    for fragment in fragments(result):
        assert fragment in LONG_BODY
        assert re.match(r"[A-Z]", fragment) and fragment.endswith(".")


def test_the_sentence_with_most_query_terms_is_shown():
    result = make("en", LONG_BODY, "lighthouse keeper")
    assert "Later the lighthouse keeper retired after thirty years." in result.text
    assert {"lighthouse", "keeper"} <= set(marks(result))


def test_fragments_are_in_document_order():
    body = (
        "Zebras live in Africa. " + "Filler sentence here. " * 30 + "Apples and zebras mix. "
        + "More filler follows. " * 30 + "Apples grow on trees."
    )  # fmt: skip
    result = make("en", body, "apples zebras")
    starts = [start for start, _ in result.body_offsets]
    assert starts == sorted(starts)
    assert "Apples and zebras mix." in result.text


def test_a_sentence_repeated_word_for_word_is_shown_once():
    result = make("en", LONG_BODY, "lighthouse keeper")
    assert result.text.count("lighthouse keeper") == 1


def test_chinese_fragments_end_at_full_stops():
    body = "".join(["今天天气很好。", "我们去公园散步。", "公园里有很多人。"] * 20)
    body += "中国农业发展银行支持农村经济。"
    result = make("zh", body, "农业")
    assert marks(result) == ["农业"]
    for fragment in fragments(result):
        assert fragment.endswith("。")


def test_line_breaks_end_sentences_and_show_as_spaces():
    body = "Heading without a full stop\nThe lighthouse stood tall.\nAnother line"
    result = make("en", body, "lighthouse")
    assert "\n" not in result.text
    assert "The lighthouse stood tall." in result.text
    assert_offsets_agree(result, body)


def test_a_sentence_longer_than_the_snippet_is_cut_around_its_match_at_spaces():
    words = [f"word{i}" for i in range(200)]
    words[150] = "lighthouse"
    body = " ".join(words) + "."
    result = make("en", body, "lighthouse")
    assert marks(result) == ["lighthouse"]
    assert result.text.startswith("… word") and result.text.endswith(" …")
    assert len(result.text) <= SNIPPET_CHARS + 4
    assert all(re.fullmatch(r"word\d+|lighthouse|…", w) for w in result.text.split())
    assert_offsets_agree(result, body)


def test_without_a_match_the_opening_is_shown_unmarked():
    result = make("en", LONG_BODY, "zebra")
    assert result.text.startswith("The harbour opened in spring.")
    assert result.text.endswith(" …") and result.offsets == ()
    assert make("en", "", "zebra") == Snippet("", "", (), ())
    assert make("en", "Short page.", "") == Snippet("Short page.", "Short page.", (), ())


def test_a_match_at_the_end_of_a_long_page_is_found_without_analysing_the_page():
    body = "Filler words about nothing in particular here. " * 22_000  # ~1 MB
    body += "The lighthouse keeper retired."
    terms = query_terms("en", "lighthouse keeper")
    analyzer = analyzer_for("en")
    analysed = []

    def counting(text, **kwargs):  # the real analyzer, recording how much text it read
        analysed.append(len(text))
        return analyzer(text, **kwargs)

    result = make_snippet(body, terms, counting)
    assert marks(result) == ["lighthouse", "keeper"]
    assert result.body_offsets[0][0] == len(body) - len("lighthouse keeper retired.")
    assert sum(analysed) < len(body) / 100  # only the fragments around the match


# --- End to end: a real Whoosh index --------------------------------------------------------

DOCS = {
    "zh1": ("body_zh", "中国农业发展银行支持农村经济。联系我们。"),
    "zh2": ("body_zh", "這個軟件安裝簡單方便。"),  # Traditional
    "ja1": ("body_ja", "来週、東京都に行く予定です。"),
    "en1": ("body_en", "Police reported several abductions in the north."),
}


@pytest.fixture(scope="module")
def ix(tmp_path_factory):
    schema = Schema(
        id=ID(stored=True, unique=True),
        **{
            f"body_{family}": TEXT(analyzer=analyzer_for(family), phrase=True, stored=True)
            for family in ("en", "zh", "ja")
        },
    )
    ix = index.create_in(str(tmp_path_factory.mktemp("snippets")), schema)
    with ix.writer() as writer:
        for doc_id, (field, body) in DOCS.items():
            writer.add_document(id=doc_id, **{field: body})
    return ix


@pytest.mark.parametrize(
    ("field", "query", "doc_id", "marked"),
    [
        ("body_zh", "农业", "zh1", ["农业"]),
        ("body_zh", "简单", "zh2", ["簡單"]),
        ("body_ja", '"東京都"', "ja1", ["東京都"]),
        ("body_en", "abducted", "en1", ["abductions"]),
    ],
)
def test_search_then_snippet_marks_what_matched(ix, field, query, doc_id, marked):
    parsed = QueryParser(field, ix.schema).parse(query)
    terms = {text for name, text in parsed.iter_all_terms() if name == field}
    with ix.searcher() as searcher:
        (hit,) = searcher.search(parsed)
        assert hit["id"] == doc_id
        result = make_snippet(hit[field], terms, ix.schema[field].analyzer)
    assert marks(result) == marked
    assert_offsets_agree(result, hit[field])
