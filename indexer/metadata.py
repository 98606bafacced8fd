"""A cleaned Page to the Document the index stores: body, title, dates, host and source.

Metadata is read from the whole page, chrome included: "更新时间:…" and "来源:…" are
template lines that leave the body yet say when and by whom the page was published. Dates
come only from labelled lines and structured metadata, never from prose, and are kept apart
by kind (DESIGN-NOTES: published, updated, crawled).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterator
from pathlib import PurePosixPath
from urllib.parse import urlsplit

import regex
from dateutil import parser as dateparser

from indexer.model import Block, Dates, Document, Page

TITLE_MAX = 200  # a longer first line is a paragraph, not a headline
TITLE_SEARCH_BLOCKS = 5  # a headline further down than this is not the page's title
TITLE_FALLBACK_CHARS = 80
LABEL_SEARCH_CHARS = 300  # attribution and date labels sit in short template lines
MIN_YEAR = 1990
SOURCE_MAX_CHARS = 40

UPDATED_LABELS = ("更新时间", "更新日期", "最后更新", "最近更新", "修改时间", "last updated",
                  "last modified", "updated on", "updated", "modified")  # fmt: skip
PUBLISHED_LABELS = ("发布时间", "发布日期", "发表时间", "发表日期", "发表于", "发布于", "出版日期",
                    "日期", "published on", "published", "posted on", "posted", "date")  # fmt: skip
META_PUBLISHED = ("article:published_time", "og:published_time", "datePublished", "date",
                  "dc.date", "pubdate", "publishdate")  # fmt: skip
META_UPDATED = ("article:modified_time", "og:updated_time", "dateModified", "last-modified")
SOURCE_LABELS = ("来源", "來源", "文章来源", "信息来源", "稿件来源", "出处", "source")
SOURCE_META = ("og:site_name", "application-name")
# Content management systems: "Powered by" one of these names the software, not the site.
KNOWN_CMS = ("wordpress", "discuz", "dedecms", "织梦", "phpcms", "joomla", "drupal",
             "empirecms", "帝国cms", "metinfo", "米拓", "typecho", "z-blog", "zblog", "emlog",
             "phpwind", "ecshop", "shopify", "wix", "squarespace", "ghost", "blogger", "hexo",
             "jekyll", "hugo", "mediawiki", "dokuwiki", "pbootcms", "thinkphp", "destoon",
             "espcms", "siteserver", "cmseasy", "kesion", "科讯", "动易", "powereasy",
             "magento", "prestashop", "opencart", "vbulletin", "phpbb", "xenforo", "mybb",
             "blogspot", "tumblr", "weebly", "jimdo", "typo3", "concrete5", "umbraco",
             "sitefinity", "craft cms", "bitrix", "nginx", "apache", "iis")  # fmt: skip
_CMS = regex.compile(rf"(?:{'|'.join(map(re.escape, KNOWN_CMS))})(?:\s*cms)?(?![a-z])")
# Attributions that credit nobody: "来源：本站", "来源：网络".
UNCREDITED = frozenset(
    {"本站", "本网", "网络", "互联网", "原创", "未知", "佚名", "转载", "unknown"}
)
TITLE_SEPARATORS = regex.compile(r"\s+[-|–—:·»]\s+|\s*[_|｜]\s*|\s+::\s+")

_TERMINAL = regex.compile(r"[.!?。！？…;；,，:：][\"'”’」』)）]*$")
_LETTER = regex.compile(r"\p{L}")
_CJK_DATE = regex.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?")
_YMD = regex.compile(r"\b((?:19|20)\d{2})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")
_DMY = regex.compile(r"(?<!\d)(\d{1,2})([-/.])(\d{1,2})\2((?:19|20)\d{2})\b")
_YEAR = regex.compile(r"\b(?:19|20)\d{2}\b")
_MONTH = regex.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b", regex.I)
_NO_DAY = dt.datetime(2000, 1, 1)  # "July 2016" is 2016-07-01, not today's day of July 2016
_ORDINAL = regex.compile(r"\b(\d{1,2})(?:st|nd|rd|th)\b", regex.I)
_VALUE_END = regex.compile(r"\s{2,}|\s+\S{1,12}?[:：]|[|｜【\[]|\s+[-–—]\s+")
_POWERED_BY = regex.compile(r"powered\s+by\s*(?P<value>[^\n]+)", regex.I)
_URL = regex.compile(r"https?://|www\.", regex.I)


def extract(page: Page) -> Document:
    """Everything the index stores about a page, from the page and its record."""
    record = page.record
    content = page.content
    host = host_of(record.url)
    return Document(
        id=record.id,
        path=record.path,
        root=record.root,
        record=record.record,
        url=record.url,
        host=host,
        source=source_of(page, host),
        title=title_of(page),
        body="\n".join(block.text for block in content),
        chrome=tuple(block.text for block in page.blocks if block.chrome),
        lang=page.lang,
        lang_confidence=page.lang_confidence,
        script=page.script,
        lang_mix=dict(page.lang_mix),
        dates=dates_of(page),
        repairs=page.repairs,
        encoding=page.encoding,
        fingerprint=record.fingerprint,
        external_id=record.external_id,
        truncated=page.truncated,
        origin=record.origin,
    )


# --- title -------------------------------------------------------------------------------


def title_of(page: Page) -> str:
    """The stated title, else the first content line shaped like a headline, else the start."""
    meta = page.html_meta
    stated = (meta.get("og:title") or meta.get("title") or "").strip()
    if stated:
        return _strip_site_suffix(stated, page)
    for block in page.content[:TITLE_SEARCH_BLOCKS]:
        if _is_headline(block.text):
            return block.text
    body = " ".join(block.text for block in page.content)
    return _cut(body, TITLE_FALLBACK_CHARS)


def _is_headline(text: str) -> bool:
    return (
        len(text) <= TITLE_MAX
        and len(_LETTER.findall(text)) >= 4
        and not _TERMINAL.search(text)
        and _label_value(text) is None
    )


def _strip_site_suffix(title: str, page: Page) -> str:
    """Drop " - Site Name" tails, but only tails known to name the site (og:site_name, host)."""
    names = _site_names(page)
    while True:
        separators = list(TITLE_SEPARATORS.finditer(title))
        if not separators or not _names_site(title[separators[-1].end() :], names):
            return title
        title = title[: separators[-1].start()].strip()


def _site_names(page: Page) -> set[str]:
    meta = page.html_meta
    names = {meta.get(key, "") for key in SOURCE_META} | {page.record.source or ""}
    host = host_of(page.record.url)
    if host:
        names |= {host, max(host.split(".")[:-1] or [host], key=len)}  # "nytimes", "example"
    return {_norm(name) for name in names if _norm(name)}


def _names_site(part: str, names: set[str]) -> bool:
    part = _norm(part)
    return bool(part) and any(part == name or (len(name) >= 4 and name in part) for name in names)


def _norm(text: str) -> str:
    return regex.sub(r"[\W_]+", "", text.casefold())


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip() + "…"


# --- dates -------------------------------------------------------------------------------


def dates_of(page: Page, today: dt.date | None = None) -> Dates:
    """Published, updated and crawled dates, each from labelled or structured places only."""
    today = today or dt.date.today()
    meta = page.html_meta
    published = _first_meta_date(meta, META_PUBLISHED, today) or _labelled_date(
        page.blocks, PUBLISHED_LABELS, today
    )
    updated = _first_meta_date(meta, META_UPDATED, today) or _labelled_date(
        page.blocks, UPDATED_LABELS, today
    )
    crawled = parse_date(page.record.crawled or "", today)
    return Dates(published=published, updated=updated, crawled=crawled)


def parse_date(value: str, today: dt.date | None = None) -> str | None:
    """ISO "YYYY-MM-DD" for a date written in the usual ways, None when none or implausible.

    "07/27/2016" is month-first (US), "27/07/2016" and "27.07.2016" day-first; dateutil only
    reads values with a month name and a four-digit year (it would invent the rest).
    """
    today = today or dt.date.today()
    for reader in (_cjk_date, _numeric_date, _dateutil_date):
        found = reader(value.strip())
        if found:
            return found.isoformat() if found.year >= MIN_YEAR and found <= today else None
    return None


def _cjk_date(value: str) -> dt.date | None:
    match = _CJK_DATE.search(value)
    return _date(*match.groups()) if match else None


def _numeric_date(value: str) -> dt.date | None:
    match = _YMD.search(value)
    if match:
        return _date(*match.groups())
    match = _DMY.search(value)
    if not match:
        return None
    first, separator, second, year = match.groups()
    if int(first) > 12 or (separator == "." and int(second) <= 12):
        return _date(year, second, first)  # day-first: unambiguous, or the European dots
    return _date(year, first, second)


def _dateutil_date(value: str) -> dt.date | None:
    if not (_YEAR.search(value) and _MONTH.search(value)):
        return None
    try:
        parsed = dateparser.parse(
            _ORDINAL.sub(r"\1", value), fuzzy=True, default=_NO_DAY, ignoretz=True
        )
    except (ValueError, OverflowError):
        return None
    return parsed.date()


def _date(year: str, month: str, day: str) -> dt.date | None:
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None


def _first_meta_date(meta: dict[str, str], keys: tuple[str, ...], today: dt.date) -> str | None:
    for key in keys:
        if meta.get(key):
            parsed = parse_date(meta[key], today)
            if parsed:
                return parsed
    return None


def _labelled_date(
    blocks: tuple[Block, ...], labels: tuple[str, ...], today: dt.date
) -> str | None:
    for value in _labelled_values(blocks, _label_regex(labels)):
        parsed = parse_date(value, today)
        if parsed:
            return parsed
    return None


@functools.cache
def _label_regex(labels: tuple[str, ...]) -> regex.Pattern[str]:
    """A label (longest first, not inside a longer word), ':' or a space, then the value."""
    alternatives = "|".join(sorted(map(re.escape, labels), key=len, reverse=True))
    return regex.compile(
        rf"(?<![\p{{L}}\p{{N}}])(?P<label>{alternatives})(?P<colon>[^\S\n]*[:：])?[^\S\n]*"
        rf"(?P<value>[\p{{L}}\p{{N}}][^\n]{{2,80}})",
        regex.I,
    )


def _labelled_values(blocks: tuple[Block, ...], pattern: regex.Pattern[str]) -> Iterator[str]:
    """Values of labelled fields, in page order, cut where the next field starts.

    Chinese labels stand anywhere ("发表于2024年…"); a Latin one opens the line ("Posted on
    July 4, 2016") or follows a break and has its colon ("By X | Updated: …"), so that
    "updated 3 times" or "open source: …" in a sentence are no labels.
    """
    for block in blocks:
        text = block.text[:LABEL_SEARCH_CHARS]
        for match in pattern.finditer(text):
            before = text[: match.start()].rstrip()
            opens_line = not _LETTER.search(before)
            after_break = bool(match.group("colon")) and not _LETTER.match(before[-1:] or " ")
            if _has_han(match.group("label")) or opens_line or after_break:
                yield _VALUE_END.split(match.group("value"), maxsplit=1)[0]


def _has_han(text: str) -> bool:
    return bool(regex.search(r"\p{Han}", text))


# --- host and source ---------------------------------------------------------------------


def host_of(url: str | None) -> str | None:
    """The URL's host, lower-cased, without "www."; None without a URL."""
    if not url:
        return None
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    if not host:
        return None
    host = host.lower().rstrip(".")
    return host.removeprefix("www.")


def source_of(page: Page, host: str | None) -> str:
    """The credited publisher, else the host, else a non-CMS "Powered by", else the folder."""
    return (
        _attribution(page.blocks)
        or _meta_source(page)
        or host
        or _powered_by(page.blocks)
        or _folder(page.record.relpath)
        or "unknown"
    )


def _attribution(blocks: tuple[Block, ...]) -> str | None:
    for value in _labelled_values(blocks, _label_regex(SOURCE_LABELS)):
        name = host_of(value.split()[0]) if _URL.match(value) else _clean_name(value)
        if name:
            return name
    return None


def _meta_source(page: Page) -> str | None:
    for key in SOURCE_META:
        value = (page.html_meta.get(key) or "").strip()
        if value:
            return value
    return (page.record.source or "").strip() or None


def _powered_by(blocks: tuple[Block, ...]) -> str | None:
    for block in reversed(blocks):  # a footer line
        match = _POWERED_BY.search(block.text)
        name = _clean_name(_first_name(match.group("value"))) if match else None
        if name and not _is_cms(name):
            return name
    return None


def _first_name(value: str) -> str:
    """Where spaces separate a Chinese name from more footer words, the name is the first."""
    words = value.split()
    if len(words) > 1 and _has_han(words[0]):
        return words[0]
    return value


def _is_cms(name: str) -> bool:
    """ "WordPress", "Discuz! X3.4", "DedeCMS V5.7", "织梦CMS" - but not "Ghostwriter Media"."""
    return bool(_CMS.match(name.casefold()))


def _clean_name(value: str) -> str | None:
    """The name at the start of an attribution value, without what follows it on the line."""
    value = _VALUE_END.split(value.strip(), maxsplit=1)[0]
    value = value.strip(" \t\u00a0\u3000:：,，.。;；|-–—()（）[]【】\"'“”")
    if not value or len(value) > SOURCE_MAX_CHARS or not _LETTER.search(value):
        return None
    if value.casefold() in UNCREDITED:
        return None
    return value


def _folder(relpath: str) -> str | None:
    parts = PurePosixPath(relpath).parts
    return parts[0] if len(parts) > 1 else None


def _label_value(text: str) -> str | None:
    """The value of a "label: value" line ("地址:…", "Tel: …"), None for other lines."""
    match = regex.match(r"^\W{0,3}(\p{L}[\p{L} ]{0,15}?)\s*[:：]\s*(\S.*)$", text)
    if not match or len(match.group(1).split()) > 2:
        return None
    return match.group(2)
