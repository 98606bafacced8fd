"""Language identification: scripts first, langdetect on one script at a time, pages by content."""

from __future__ import annotations

import pytest

from indexer import chrome, language
from indexer.language import assign, detect
from tests.indexer.pages import seed_page, text_page

ENGLISH = (
    "The meeting was between the head of the intelligence office and an official who is in "
    "charge of unification issues, the newspaper reported on Wednesday."
)
SIMPLIFIED = "这是一个关于语言识别的简单测试，我们希望系统能够正确地识别简体中文的文章。"
TRADITIONAL = "這是一個關於語言識別的簡單測試，我們希望系統能夠正確地識別繁體中文的文章。"


@pytest.mark.parametrize("text", ["", "   ", "12345", "http://x.y/z", "😀🎉👍", "admin@aa.com"])
def test_no_letters_no_language(text):
    assert detect(text) == ("und", 0.0, None)


def test_english():
    lang, confidence, script = detect(ENGLISH)
    assert (lang, script) == ("en", "Latn")
    assert 0.9 < confidence <= 1.0


def test_simplified_and_traditional_chinese_are_zh_not_korean():
    assert detect(SIMPLIFIED) == ("zh", 1.0, "Hans")
    assert detect(TRADITIONAL) == ("zh", 1.0, "Hant")
    assert detect("東京都")[0] == "zh"  # plain langdetect says "ko"


def test_scripts_decide_japanese_korean_thai():
    assert detect("東京都に住んでいます。")[:1] == ("ja",)
    assert detect("서울은 한국의 수도입니다.")[0] == "ko"
    assert detect("ประเทศไทยมีประชากรมาก")[0] == "th"


def test_langdetect_decides_within_a_script():
    assert detect("Москва является столицей России и крупнейшим городом страны.")[0] == "ru"
    french = "La ville est située au bord de la mer et compte beaucoup d'habitants."
    assert detect(french)[0] == "fr"


def test_english_inside_a_longer_chinese_template_keeps_its_language():
    """langdetect drops Latin letters outnumbered 2:1; blocks are detected script by script."""
    template = "\n".join(["欢迎来到本网站，全国咨询热线，联系我们，地址电话传真，新闻中心。"] * 10)
    page = assign(text_page(f"{template}\n{ENGLISH}\n{template}"))
    assert [block.lang for block in page.blocks if block.text == ENGLISH] == ["en"]
    assert page.lang == "zh" and page.lang_mix["en"] > 0
    assert detect(ENGLISH + " 新闻中心")[0] == "en"


def test_only_the_first_10k_characters_count():
    text = "word " * 2_000 + SIMPLIFIED * 200
    assert detect(text)[0] != "zh"


def test_deterministic():
    text = "Dear Readers: if you have a moment, please watch"
    assert len({detect(text) for _ in range(5)}) == 1


def test_short_blocks_have_no_language_unless_the_script_decides():
    page = assign(text_page("Hello world\n中文\n" + ENGLISH + "\n안녕하세요"))
    assert [block.lang for block in page.blocks] == [None, "zh", "en", "ko"]


def test_seed_003_is_english_and_its_template_is_chinese():
    first = assign(seed_page("003"))
    assert first.lang == "en"
    assert first.lang_mix["en"] > 0.9 and "zh" in first.lang_mix
    by_text = {block.text: block.lang for block in first.blocks}
    assert by_text["联系我们"] == "zh"
    assert by_text["新闻中心"] == "zh"
    assert by_text["Japan holds secret talks with NK: report"] is None  # too short to tell

    final = assign(chrome.remove(first))
    assert (final.lang, final.script, final.lang_mix) == ("en", "Latn", {"en": 1.0})
    assert final.lang_confidence > 0.9
    removed = [block for block in final.blocks if block.chrome]
    assert removed and all(block.lang == "zh" for block in removed)


@pytest.mark.parametrize("prefix", ["000", "004"])
def test_other_seeds_are_english(prefix):
    page = assign(seed_page(prefix))
    assert page.lang == "en" and page.lang_mix == {"en": 1.0}


def test_second_call_keeps_block_languages(monkeypatch):
    first = assign(seed_page("003"))
    detected = set()

    def spy(text):
        detected.add(text)
        return None

    monkeypatch.setattr(language, "_block_language", spy)
    monkeypatch.setattr(language, "_cached_block_language", spy)
    second = assign(chrome.remove(first))
    assert not detected & {block.text for block in first.blocks if block.lang}
    assert [b.lang for b in second.blocks] == [b.lang for b in first.blocks]


def test_language_mix_is_letter_shares_over_content():
    chinese = SIMPLIFIED * 2
    page = assign(text_page(f"{ENGLISH}\n{chinese}"))
    english_letters = sum(ch.isalpha() for ch in ENGLISH)
    chinese_letters = sum(ch.isalpha() for ch in chinese)
    expected = round(english_letters / (english_letters + chinese_letters), 2)
    assert page.lang == "en"
    assert page.lang_mix["en"] == expected
    assert sum(page.lang_mix.values()) == pytest.approx(1.0, abs=0.02)


def test_chinese_page_script():
    assert assign(text_page(TRADITIONAL * 3)).script == "Hant"
    assert assign(text_page(SIMPLIFIED * 3)).script == "Hans"


def test_pages_without_letters_are_und():
    page = assign(text_page("12345\n---\n2024-06-14"))
    assert (page.lang, page.lang_confidence, page.lang_mix) == ("und", 0.0, {})
    assert assign(text_page("")).lang == "und"


def test_page_of_short_english_lines_is_still_english():
    page = assign(text_page("Buy fresh apples\nPears are on sale today\nOranges from Spain"))
    assert page.lang == "en"


def test_cyrillic_is_narrowed_by_letters_the_alphabet_lacks():
    assert detect("Це наш дім і їхній сад.")[0] == "uk"  # і, ї: not Russian
    assert detect("Мы были в этом городе.")[0] == "ru"  # ы, э: not Ukrainian


def test_arabic_script_is_narrowed_by_letters():
    assert detect("پدر من دیروز به بازار رفت")[0] == "fa"  # پ: not Arabic
    assert detect("پاکستان میں بہت سے لوگ اردو بولتے ہیں")[0] == "ur"  # ں, ے: not Persian


@pytest.mark.parametrize(
    ("text", "lang"),
    [("the house", "en"), ("das Haus", "de"), ("la maison", "fr"), ("de kinderen", "nl")],
)
def test_two_common_words_are_enough(text, lang):
    """Short text: common-word frequencies decide where n-grams are too few."""
    assert detect(text)[0] == lang


def test_short_text_is_a_guess_with_low_confidence():
    lang, confidence, _ = detect("the house")
    assert lang == "en" and confidence < 0.5
    assert detect("ok")[0] == "und"  # fewer than 3 letters: no guess at all


@pytest.mark.parametrize("text", ["|||", "123 456", "$$$ %%% ###", "—", "https://a.example/b?c=d"])
def test_featureless_text_is_und(text):
    assert detect(text) == ("und", 0.0, None)


def test_latin_words_inside_another_script_do_not_decide():
    korean = (
        "르노삼성 부산공장은 사원대표위원회(ERO·Employee Representative Organization)가 "
        "타사의 노조 역할을 대신한다."
    )
    assert detect(korean)[0] == "ko"


def test_statistics_are_deterministic():
    # (Their cost is measured by bench/langid.py, which prints ms per item.)
    text = ENGLISH * 5
    assert len({detect(text) for _ in range(20)}) == 1
