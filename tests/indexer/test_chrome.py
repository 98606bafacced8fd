"""Chrome removal, line by line on the user's seed pages, and the classifier's parts."""

from __future__ import annotations

import dataclasses

import pytest

from indexer import language
from indexer.chrome import WEIGHTS, features, remove, score
from indexer.model import Block, Page
from tests.indexer.pages import cleaned, seed_page, seed_text, text_page

SEED_003_CHROME = [
    "欢迎来到 ins批量协议号",
    "全国咨询热线: 020-123456789",
    "联系我们",
    "地址:联系地址联系地址联系地址",
    "电话:020-123456789",
    "传真:020-123456789",
    "邮箱:admin@aa.com",
    "新闻中心",
    "来源:ins批量协议号\u00a0\u00a0更新时间:2024-06-14 05:32:53",
    "Copyright © 2024 Powered by ins批量协议号\u00a0\u00a0 sitemap",
]
SEED_004_CHROME = [
    "Get the latest updates as we post them — right on your browser",
    ". Last Updated: 07/27/2016",
]


def lines(prefix: str) -> list[str]:
    return [line.strip() for line in seed_text(prefix).splitlines() if line.strip()]


def chrome_lines(page: Page) -> list[str]:
    return [block.text for block in page.blocks if block.chrome]


def content_lines(page: Page) -> list[str]:
    return [block.text for block in page.blocks if not block.chrome]


def test_seed_003_template_goes_and_article_stays():
    page = cleaned(seed_page("003"))
    assert chrome_lines(page) == SEED_003_CHROME
    assert content_lines(page) == [line for line in lines("003") if line not in SEED_003_CHROME]
    headline, byline = content_lines(page)[:2]
    assert (headline, byline) == ("Japan holds secret talks with NK: report", "By Lee Min-hyung")


def test_seed_004_banner_and_update_line_go():
    page = cleaned(seed_page("004"))
    assert chrome_lines(page) == SEED_004_CHROME
    assert content_lines(page)[0] == "North Korea Apologizes For Japanese Abductions"
    assert content_lines(page) == lines("004")[2:]


def test_seed_000_is_all_article():
    page = cleaned(seed_page("000"))
    assert chrome_lines(page) == []
    for short in ("Dear Readers:", "NewYork Times, April 14th 2009", "if you have a moment..."):
        assert short in content_lines(page)


def test_seed_003_with_collapsed_spaces_as_decode_makes_them():
    text = seed_text("003").replace("\u00a0", " ")
    page = cleaned(text_page(text))
    assert len(chrome_lines(page)) == len(SEED_003_CHROME)
    assert "By Lee Min-hyung" in content_lines(page)


def test_scores_are_recorded_and_signed():
    page = cleaned(seed_page("003"))
    for block in page.blocks:
        assert (block.chrome_score > 0) == block.chrome


def test_features_are_numbers():
    page = language.assign(seed_page("003"))
    for i in range(len(page.blocks)):
        f = features(page, i)
        assert all(isinstance(value, float) for value in f.values())
        assert set(WEIGHTS) - {"bias"} <= set(f)


def feature(text: str, name: str, page_text: str | None = None) -> float:
    page = language.assign(text_page(page_text or text))
    index = [block.text for block in page.blocks].index(text.strip())
    return features(page, index)[name]


def test_chinese_vocabulary_is_matched_on_jieba_words():
    assert feature("联系我们", "vocab_hits") == 1  # jieba: 联系 / 我们, one hit
    assert feature("联系我们", "vocab_cover") == 1.0
    assert feature("返回顶部 网站地图", "vocab_hits") == 2
    assert feature("他们来到了北京。", "vocab_cover") < 0.5


def test_latin_vocabulary_and_symbols():
    assert feature("Copyright © 2024 Example Ltd. All rights reserved.", "vocab_hits") == 3
    assert feature("Home | News | Contact us", "vocab_hits") == 2
    assert feature("Home | News | Contact us", "separators") > 0.5


def test_prose_has_stop_words_and_templates_do_not():
    prose = "我们在北京的时候，他说这是一个很好的机会，也是我们的责任。"
    assert feature(prose, "stop_ratio") > 0.3
    assert feature("新闻中心 产品展示 关于我们", "stop_ratio") == 0.0
    assert feature("The meeting was between the two of them.", "stop_ratio") > 0.4


def test_label_value_contact_and_date_shapes():
    assert feature("电话:020-123456789", "labels") == 1
    assert feature("电话:020-123456789", "contact") >= 1
    assert feature("邮箱:admin@aa.com", "contact") == 1
    assert feature("Tel: +44 20 7946 0958", "labels") == 1
    assert feature("来源:新华网  更新时间:2024-06-14", "labels") == 2
    assert feature("来源:新华网 更新时间:2024-06-14", "labels") == 2  # spaces collapsed
    assert feature("来源:新华网  更新时间:2024-06-14", "date") == 1
    assert feature("Japan holds secret talks with NK: report", "labels") == 0


def test_terminal_punctuation():
    assert feature("这是一个句子。", "terminal_punct") == 1
    assert feature("He said “no.”", "terminal_punct") == 1
    assert feature("新闻中心", "terminal_punct") == 0


def test_language_and_position_against_the_page():
    page = language.assign(seed_page("003"))
    f = features(page, 0)  # 欢迎来到 ins批量协议号
    assert f["foreign_lang"] == 1 and f["edge"] == 1 and f["page_script"] < 0.5
    assert features(page, 11)["foreign_lang"] == 0  # an English paragraph


def test_markup_features():
    page = text_page("x")
    block = Block("Home News Sport Weather", tag="nav", link_density=1.0)
    f = features(dataclasses.replace(page, blocks=(block,)), 0)
    assert f["chrome_tag"] == 1 and f["link_density"] == 1.0


def test_score_is_the_weighted_sum():
    f = {"bias": 123.0, "vocab_hits": 2.0, "stop_ratio": 0.5, "unweighted": 9.0}
    expected = WEIGHTS["bias"] + 2 * WEIGHTS["vocab_hits"] + 0.5 * WEIGHTS["stop_ratio"]
    assert score(f) == pytest.approx(expected)
    assert score({}) == WEIGHTS["bias"]


ARTICLE_ZH = [
    "昨天下午，市政府在新闻发布会上宣布，今年将在城区新建十二所小学和六所中学，以缓解入学压力。",
    "据介绍，这些学校将在明年秋季开学前陆续完工，所需资金由市、区两级财政共同承担。",
    "教育局负责人表示，新学校的设计充分考虑了学生的安全和健康，并配备了现代化的教学设施。",
]


def test_chinese_template_around_chinese_article():
    page = cleaned(
        text_page(
            "\n".join(
                [
                    "首页 | 新闻中心 | 产品展示 | 关于我们 | 联系我们",
                    "当前位置：首页 > 新闻中心",
                    "学校建设",
                    *ARTICLE_ZH,
                    "上一篇：关于举办运动会的通知",
                    "下一篇：没有了",
                    "版权所有 © 2024 某某公司  备案号：京ICP备12345678号",
                    "地址：北京市朝阳区某某路1号  电话：010-12345678",
                ]
            )
        )
    )
    assert content_lines(page) == ["学校建设", *ARTICLE_ZH]


def test_english_template_around_english_article():
    article = [
        "City Council Approves New Budget",
        "The city council voted on Tuesday to approve a budget that raises spending on schools "
        "and roads, after months of debate over how to pay for it.",
        "Supporters said the plan was overdue, while critics warned that it would lead to higher "
        "taxes within a few years.",
    ]
    page = cleaned(
        text_page(
            "\n".join(
                [
                    "Home | News | Sport | Weather | Contact us",
                    "Sign in Subscribe",
                    *article,
                    "Share this article",
                    "Related articles",
                    "© 2024 Example Media Ltd. All rights reserved. Privacy Policy | Terms of Use",
                ]
            )
        )
    )
    assert content_lines(page) == article


def test_a_neutral_short_line_between_article_lines_stays():
    page = cleaned(text_page("\n".join([ARTICLE_ZH[0], "图片", ARTICLE_ZH[1], ARTICLE_ZH[2]])))
    assert chrome_lines(page) == []


def test_a_neutral_short_line_inside_a_chrome_run_goes():
    template = ["首页 | 新闻中心 | 联系我们", "产品", "版权所有 © 2024 备案号：京ICP备12345678号"]
    page = cleaned(text_page("\n".join([*ARTICLE_ZH, *template])))
    assert chrome_lines(page) == template


def test_long_prose_with_a_chrome_word_is_content():
    prose = (
        "The company said on Monday that it would change its privacy policy and stop sharing "
        "the home addresses of its customers with advertisers, after regulators in several "
        "countries had asked questions about how the data was being used."
    )
    page = cleaned(text_page(f"Home | Contact us\n{prose}\nCopyright © 2024 Example"))
    assert content_lines(page) == [prose]


def test_markup_marks_navigation_as_chrome():
    base = text_page("x")
    blocks = (
        Block("World Politics Business Tech Science", tag="nav", link_density=1.0),
        Block(ARTICLE_ZH[0], tag="p"),
        Block(ARTICLE_ZH[1], tag="p"),
        Block("热门文章 排行榜 专题", tag="aside", link_density=0.9),
    )
    page = cleaned(dataclasses.replace(base, blocks=blocks))
    assert content_lines(page) == ARTICLE_ZH[:2]


def test_a_page_is_never_emptied():
    page = cleaned(text_page("联系我们\n版权所有"))
    assert chrome_lines(page) == []


def test_empty_page():
    assert remove(language.assign(text_page(""))).blocks == ()
