"""Template ("chrome") removal: a per-block classifier, then smoothing along the page.

`features` turns a block into numbers, `score` is a weighted sum over them (WEIGHTS, one
table, to be fitted on labelled data later), and `remove` smooths the scores with the
neighbours before marking blocks. No rule names a particular site's strings: chrome is
recognised by what templates share everywhere (vocabulary, label:value shape, contact data,
no sentence structure, a different language than the article, link density, position).
"""

from __future__ import annotations

import dataclasses
import functools
import math

import regex

from indexer import language
from indexer.model import Block, Page
from indexer.templates import line_hash
from search.analysis.jieba_setup import tokenizer

FEATURE_CHARS = 2_000  # vocabulary and stop words are judged on the start of long blocks


def _wordlist(text: str) -> frozenset[str]:
    """A vocabulary written as whitespace-separated entries; "+" joins the words of a phrase."""
    return frozenset(entry.replace("+", " ") for entry in text.split())


# Chrome vocabulary, matched on whole jieba words (or runs of 2-3 words: 联系+我们).
CHROME_ZH = _wordlist(
    """
    导航 首页 主页 网站首页 返回首页 欢迎 来到 光临 欢迎光临 咨询 热线 咨询热线 服务热线 客服
    在线客服 联系 联系我们 联系方式 联系电话 联系地址 联系人 地址 电话 传真 邮箱 邮编 手机 微信
    公众号 扫一扫 二维码 关注我们 新闻中心 新闻动态 公司新闻 行业新闻 行业动态 产品中心 产品展示
    关于我们 公司简介 企业文化 在线留言 留言板 人才招聘 来源 作者 编辑 责任编辑 点击 浏览 阅读次数
    点击数 浏览次数 更新时间 发布时间 发布日期 发表时间 版权所有 版权 版权声明 备案 备案号 网站地图
    登录 注册 退出 用户名 密码 忘记密码 返回顶部 返回 上一篇 下一篇 上一页 下一页 上一条 下一条
    相关文章 相关阅读 相关新闻 推荐阅读 热门文章 热点 更多 分享 分享到 收藏 打印 关闭窗口 免责声明
    隐私 隐私政策 搜索 技术支持 友情链接 当前位置 您的位置 位置 评论 发表评论 标签 栏目 投稿 订阅
    本站 本网 转载 设为首页 加入收藏 站长 管理员
    """
)
CHROME_LATIN = _wordlist(
    """
    copyright sitemap login logout signin signup subscribe unsubscribe newsletter privacy
    cookie cookies menu home homepage contact share tweet facebook twitter linkedin pinterest
    whatsapp instagram youtube reddit print advertisement advertising sponsored comments
    tags categories archives disclaimer faq rss navigation breadcrumb trending loading
    all+rights+reserved powered+by privacy+policy terms+of+use terms+of+service
    terms+and+conditions contact+us about+us follow+us sign+in sign+up log+in log+out
    read+more see+more load+more learn+more back+to+top skip+to+content skip+to+main
    last+updated last+modified latest+updates latest+news your+browser related+articles
    related+posts related+stories related+topics most+popular most+read share+this share+on
    you+may+also+like leave+a+comment leave+a+reply posted+in filed+under click+here
    accept+cookies cookie+policy sign+up+for breaking+news top+stories previous+post
    next+post site+map designed+by web+design email+this
    """
)
CHROME_SYMBOLS = regex.compile(r"©|\(c\)\s*\d{4}|ICP[备证]|\bICP\b|公网安备")
# Stop words: prose is full of them, templates hardly use any.
STOP_LATIN = _wordlist(
    """
    a an the and or but if of in on at to for from by with about as into over after before
    between through during under above is are was were be been being am has have had do does
    did will would shall should can could may might must not no nor so than too very that
    this these those there here which who whom whose what when where why how it its it's
    he she they them their his her him we us our you your i me my mine itself also just only
    then because while although though since until upon against among all any each both few
    more most other some such own same again further once out up down off
    """
)
STOP_ZH = _wordlist(
    """
    的 了 是 在 和 与 及 也 就 都 而 着 被 把 从 对 为 以 于 这 那 这个 那个 这些 那些 他 她 它
    他们 她们 我 你 我们 你们 不 没有 没 但 但是 因为 所以 如果 就是 还 又 很 将 已 已经 说 会
    能 要 可以 之 其 等 并 让 给 向 到 得 地 过 吗 呢 吧 啊 所 一个 一些 自己 什么 怎么 时 后
    中 有 却 才 更 最 再 如 即 则 该 此 这样 那样 这种 只 当 由 使 因 曾
    """
)
# Block.tag is the element or its chrome context, then structural flags (see indexer.html).
CHROME_TAGS = frozenset({"nav", "header", "footer", "aside", "menu"})
LIST_TAGS = frozenset({"li", "dt", "dd", "option", "td", "th"})

_HAN = regex.compile(r"\p{Han}")
_WORD = regex.compile(r"[\p{L}\p{N}]+(?:['’][\p{L}]+)*")
_LETTER = regex.compile(r"\p{L}")
_DIGIT = regex.compile(r"\p{Nd}")
_PHONE = regex.compile(
    r"(?<![\d-])(?:\+\d{1,3}[\s-]?)?(?:\(?0?\d{2,4}\)?[\s-])?\d{3,4}[\s-]?\d{4,8}(?![\d-])"
)
_EMAIL = regex.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = regex.compile(
    r"https?://|www\.|(?<![@\w.-])[\w-]+\.(?:com|net|org|cn|gov|edu|info|io)\b", regex.I
)
_DATE = regex.compile(
    r"\b(?:19|20)\d{2}[-/.年]\d{1,2}(?:[-/.月]\d{1,2})?|\b\d{1,2}[-/.]\d{1,2}[-/.](?:19|20)\d{2}\b"
    r"|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?"
    r",?\s+(?:19|20)\d{2}\b",
    regex.I,
)
# "地址:…", "Tel: …": a short label at the start, after a wide gap, or (Chinese, which has no
# spaces in prose) after any space, then a value.
_LABEL = regex.compile(
    r"(?:^|\s{2,}|[|｜]|\s(?=\p{Han}))[^\p{L}\p{N}]{0,3}"
    r"(?P<label>\p{L}[\p{L}\p{N} ._-]{0,19}?)\s*[:：]\s*(?!//)\S"
)
_SEPARATOR = regex.compile(r"\s{2,}|\s*[|｜丨·•»›>]\s*|(?<=\p{Han})\s+(?=\p{Han})")
_TERMINAL = regex.compile(r"[.!?。！？…]+[\"'”’」』)）\]]*$")
_CLAUSE = regex.compile(r"[，、；。！？]|[,;.!?](?=\s|$)")

# Features missing here ("length", "words") weigh nothing yet. Text weights are hand-set on the
# seeds; markup weights were chosen on the dev pages' figures (bench/extraction.py): structure,
# where a page has it, outweighs any one text feature.
WEIGHTS: dict[str, float] = {
    "bias": 1.0,
    "log_words": -0.35,  # longer blocks lean content
    "vocab_hits": 0.5,  # capped at 3 hits
    "vocab_cover": 2.0,  # share of the block's letters that are chrome vocabulary
    "stop_ratio": -2.0,
    "terminal_punct": -0.8,
    "clause_punct": -0.5,
    "digit_ratio": 1.0,
    "contact": 0.8,  # phone numbers, e-mail addresses, URLs (capped at 2)
    "date": 0.3,
    "labels": 0.8,  # label:value pairs (capped at 3)
    "separators": 1.0,  # menu shape: items between | · » or wide gaps
    "no_letters": 1.0,
    "foreign_lang": 1.0,  # the block's language is not the page's
    "page_script": -0.5,  # share of letters in the page language's script
    "link_density": 4.0,
    "chrome_tag": 4.0,  # nav, header, footer, aside, menu
    "named_chrome": 4.0,  # a class or id names chrome (indexer.html)
    "outside_main": 4.0,  # outside the main-content container
    "paragraph": -2.0,  # a <p>
    "list_item": 0.5,  # li, dt, dd, td, ...
    "edge": 0.5,  # 1 for the first/last block, 1/2 for the next, ...
}
# What the first token of a run can be: a prefix of a Chinese entry (its words are joined
# without spaces), the first word of a Latin one.
_ENTRY_STARTS = frozenset(
    {entry[:i] for entry in CHROME_ZH for i in range(1, len(entry) + 1)}
    | {entry.split()[0] for entry in CHROME_LATIN}
)
MARGIN = 0.5  # scores closer to 0 than this are decided by the neighbours
PROSE_WORDS = 25  # a block this long, with sentence structure, is content whatever it says
PROSE_STOP_RATIO = 0.15


def features(page: Page, i: int) -> dict[str, float]:
    """Numeric features of block `i`; every value is a plain float so weights can be fitted."""
    return {**_text_features(page.blocks[i].text), **_context_features(page, i)}


@functools.lru_cache(maxsize=16_384)  # template lines repeat across a site's pages
def _text_features(text: str) -> dict[str, float]:
    tokens = _tokens(text[:FEATURE_CHARS])
    return {**_word_features(text, tokens), **_shape_features(text, tokens)}


def _word_features(text: str, tokens: list[str]) -> dict[str, float]:
    """Length, chrome vocabulary and stop words."""
    spans = _vocabulary(tokens)
    matched = {k for span in spans for k in span}
    letters = [len(_LETTER.findall(token)) for token in tokens]
    stops = sum(1 for k, token in enumerate(tokens) if k not in matched and _is_stop(token))
    symbols = len(CHROME_SYMBOLS.findall(text))
    return {
        "length": float(len(text)),
        "words": float(len(tokens)),
        "log_words": math.log2(1 + len(tokens)),
        "vocab_hits": float(min(3, len(spans) + symbols)),
        "vocab_cover": sum(letters[k] for k in matched) / sum(letters) if sum(letters) else 0.0,
        "stop_ratio": stops / len(tokens) if tokens else 0.0,
    }


def _shape_features(text: str, tokens: list[str]) -> dict[str, float]:
    """Sentence punctuation, digits, contact data, dates, label:value pairs, menu separators."""
    letters = len(_LETTER.findall(text))
    digits = len(_DIGIT.findall(text))
    contact = len(_PHONE.findall(text)) + len(_EMAIL.findall(text)) + len(_URL.findall(text))
    return {
        "terminal_punct": 1.0 if _TERMINAL.search(text) else 0.0,
        "clause_punct": min(1.0, len(_CLAUSE.findall(text[:FEATURE_CHARS])) / 3),
        "digit_ratio": digits / (letters + digits) if letters + digits else 0.0,
        "contact": float(min(2, contact)),
        "date": 1.0 if _DATE.search(text) else 0.0,
        "labels": float(min(3, _count_labels(text))),
        "separators": min(
            1.0, len(_SEPARATOR.findall(text[:FEATURE_CHARS])) / max(1, len(tokens) - 1)
        ),
        "no_letters": 0.0 if letters else 1.0,
    }


def _context_features(page: Page, i: int) -> dict[str, float]:
    """What the block is relative to its page: language, script, markup, position."""
    block = page.blocks[i]
    share = language.script_share(block.text, page.lang)
    last = len(page.blocks) - 1
    element, *flags = block.tag.split() or ["line"]
    return {
        "foreign_lang": _foreign(block, page),
        "page_script": share if share is not None else 0.0,
        "link_density": block.link_density,
        "chrome_tag": 1.0 if element in CHROME_TAGS else 0.0,
        "named_chrome": 1.0 if "named" in flags else 0.0,
        "outside_main": 1.0 if "outside" in flags else 0.0,
        "paragraph": 1.0 if element == "p" else 0.0,
        "list_item": 1.0 if element in LIST_TAGS else 0.0,
        "edge": 1 / (1 + min(i, last - i)),
    }


def score(f: dict[str, float]) -> float:
    """Weighted sum of the features; positive means chrome."""
    return WEIGHTS["bias"] + sum(
        w * f.get(name, 0.0) for name, w in WEIGHTS.items() if name != "bias"
    )


def remove(page: Page, template_lines: frozenset[int] = frozenset()) -> Page:
    """Score every block, smooth along the page, and mark chrome blocks.

    `template_lines` are the hashes of lines learned to repeat across the page's source
    (indexer.templates); such a line is chrome whatever its score.
    A page is never emptied: when every block looks like chrome, none is marked, since a
    noisy document can still be found and an empty one cannot.
    """
    feats = [features(page, i) for i in range(len(page.blocks))]
    scores = [score(f) for f in feats]
    smoothed = _smooth(scores, [language.script_family(block.text) for block in page.blocks])
    chrome = [
        (c and not _is_prose(b, f))
        or (bool(template_lines) and line_hash(b.text) in template_lines)
        for b, f, c in zip(page.blocks, feats, smoothed, strict=True)
    ]
    if all(chrome):
        chrome = [False] * len(chrome)
    blocks = tuple(
        dataclasses.replace(block, chrome=is_chrome, chrome_score=round(s, 3))
        for block, s, is_chrome in zip(page.blocks, scores, chrome, strict=True)
    )
    return dataclasses.replace(page, blocks=blocks)


def _smooth(scores: list[float], families: list[str | None]) -> list[bool]:
    """Weak scores follow the nearest confident neighbours of the same script.

    A weak block between two content blocks is content, inside a run of chrome it is chrome;
    neighbours in another script do not vouch for it (a template in one language around an
    article in another). Between chrome above and content below sit an article's headline,
    byline and dateline, so that block is content; elsewhere its own sign decides.
    """
    strong = [abs(s) >= MARGIN for s in scores]
    signs = [s > 0 for s in scores]
    above = _nearest_strong(strong, signs, families)
    below = _nearest_strong(strong[::-1], signs[::-1], families[::-1])[::-1]
    decided = []
    for i, s in enumerate(scores):
        votes = {v for v in (above[i], below[i]) if v is not None}
        if strong[i]:
            decided.append(signs[i])
        elif len(votes) == 1:
            decided.append(votes.pop())
        else:
            decided.append(s > 0 and not (above[i] is True and below[i] is False))
    return decided


def _nearest_strong(
    strong: list[bool], signs: list[bool], families: list[str | None]
) -> list[bool | None]:
    """For each block, the sign of the last strong block before it that shares its script.

    Blocks without letters (None) vouch for, and are vouched for by, any script.
    """
    last: dict[str | None, tuple[int, bool]] = {}  # family -> (position, sign); None: any
    nearest: list[bool | None] = []
    for i, family in enumerate(families):
        if family is None:
            candidates = list(last.values())
        else:
            candidates = [last[key] for key in (family, "no letters") if key in last]
        nearest.append(max(candidates)[1] if candidates else None)
        if strong[i]:
            last["no letters" if family is None else family] = (i, signs[i])
    return nearest


def _is_prose(block: Block, f: dict[str, float]) -> bool:
    """A long block with sentence structure is an article's, even with a chrome word in it,
    unless the page's structure puts it elsewhere (comments, teasers of related articles)."""
    return (
        f["words"] >= PROSE_WORDS
        and f["stop_ratio"] >= PROSE_STOP_RATIO
        and (f["terminal_punct"] or f["clause_punct"] >= 1)
        and not (f["chrome_tag"] or f["named_chrome"] or f["outside_main"])
        and block.link_density < 0.5
    )


def _tokens(text: str) -> list[str]:
    """Lower-cased words; jieba for text with Han (it keeps Latin words whole too)."""
    # No HMM: chrome vocabulary and stop words are dictionary words, and it halves the cost.
    raw = tokenizer().lcut(text, HMM=False) if _HAN.search(text) else _WORD.findall(text)
    return [t.lower() for t in raw if t.strip() and (_LETTER.search(t) or _DIGIT.search(t))]


def _vocabulary(tokens: list[str]) -> list[range]:
    """Token spans that form chrome vocabulary, longest match first, left to right."""
    spans = []
    k = 0
    while k < len(tokens):
        # Runs of several tokens only from a token that can start an entry.
        longest = 4 if tokens[k] in _ENTRY_STARTS else 1
        for n in (4, 3, 2, 1)[4 - longest :]:
            run = tokens[k : k + n]
            if len(run) == n and ("".join(run) in CHROME_ZH or " ".join(run) in CHROME_LATIN):
                spans.append(range(k, k + n))
                k += n
                break
        else:
            k += 1
    return spans


def _is_stop(token: str) -> bool:
    return token in STOP_LATIN or token in STOP_ZH


def _count_labels(text: str) -> int:
    count = 0
    for match in _LABEL.finditer(text):
        label = match.group("label").strip()
        if len(label.split()) <= 3 and not (_HAN.search(label) and len(label) > 6):
            count += 1
    return count


def _foreign(block: Block, page: Page) -> float:
    if not block.lang or page.lang == "und":
        return 0.0
    return 0.0 if block.lang == page.lang else 1.0
