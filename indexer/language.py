"""Language identification per block and per page.

Scripts decide first (Han with kana is Japanese, Hangul Korean, Thai Thai, ...) because
langdetect calls Traditional Chinese Korean and silently drops Latin letters when they are
outnumbered (TRAPS.md). Statistics (langdetect's n-gram profiles, plus common words for short
text: `langmodels`) only ever see the letters of one script family and choose among that
script's languages, narrowed further by letters a language does not use (ы is not Ukrainian).
Blocks are judged only when long enough to carry signal; short blocks stay `lang=None` and
inherit from their neighbours when the page is summed up.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections import Counter

import regex
import zhconv

from indexer import langmodels
from indexer.model import Block, Page

MAX_CHARS = 10_000  # text judged by `detect`
DETECT_CHARS = 1_000  # of one script's letters: enough n-grams to decide, and a bound on cost
MIN_DETECT_LETTERS = 40  # a block needs this many letters before statistics may judge it
MIN_ANY_LETTERS = 3  # below this, `detect` does not guess at all
SHORT_TEXT_LETTERS = MIN_DETECT_LETTERS  # below this, common words count alongside n-grams
MAX_JUDGED_BLOCKS = 16  # per page, the longest; statistics cost ~0.3 ms a block
LATIN_WEIGHT = 0.5  # of a Latin letter against another script's when choosing a text's script
NGRAM_WEIGHT = 0.46  # of the n-gram log-posterior against the words' log-frequencies
KANA_SHARE_JA = 0.05  # kana among Han+kana letters that makes Han text Japanese
HAN_SAMPLE = 2_000  # Han characters converted to tell Simplified from Traditional
PAGE_SAMPLE = 2_000  # characters of a page's main-language text re-checked for its confidence
CACHED_BLOCK_CHARS = 500  # template lines repeat across a site's pages; remember short ones
UND: tuple[str, float, str | None] = ("und", 0.0, None)

# Script families; the order of the alternatives does not matter, each letter is in one.
_GROUP_PATTERNS = {
    "Latin": r"\p{Latin}",
    "Cyrillic": r"\p{Cyrillic}",
    "Arabic": r"\p{Arabic}",
    "Devanagari": r"\p{Devanagari}",
    "Han": r"\p{Han}",
    "Kana": r"[\p{Hiragana}\p{Katakana}]",
    "Hangul": r"\p{Hangul}",
    "Thai": r"\p{Thai}",
    "Greek": r"\p{Greek}",
    "Hebrew": r"\p{Hebrew}",
    "Georgian": r"\p{Georgian}",
    "Armenian": r"\p{Armenian}",
    "Khmer": r"\p{Khmer}",
    "Lao": r"\p{Lao}",
    "Myanmar": r"\p{Myanmar}",
    "Sinhala": r"\p{Sinhala}",
    "Tamil": r"\p{Tamil}",
    "Telugu": r"\p{Telugu}",
    "Kannada": r"\p{Kannada}",
    "Malayalam": r"\p{Malayalam}",
    "Gujarati": r"\p{Gujarati}",
    "Gurmukhi": r"\p{Gurmukhi}",
    "Bengali": r"\p{Bengali}",
    "Ethiopic": r"\p{Ethiopic}",
    "Tibetan": r"\p{Tibetan}",
}
_GROUP_RE = regex.compile(
    "|".join(f"(?P<{name}>{pattern}+)" for name, pattern in _GROUP_PATTERNS.items())
    + r"|(?P<Other>\p{L}+)"
)

# Scripts used by (practically) one language: the script is the answer, at any length.
SCRIPT_LANGUAGE = {
    "Hangul": ("ko", "Kore"),
    "Thai": ("th", "Thai"),
    "Greek": ("el", "Grek"),
    "Hebrew": ("he", "Hebr"),
    "Georgian": ("ka", "Geor"),
    "Armenian": ("hy", "Armn"),
    "Khmer": ("km", "Khmr"),
    "Lao": ("lo", "Laoo"),
    "Myanmar": ("my", "Mymr"),
    "Sinhala": ("si", "Sinh"),
    "Tamil": ("ta", "Taml"),
    "Telugu": ("te", "Telu"),
    "Kannada": ("kn", "Knda"),
    "Malayalam": ("ml", "Mlym"),
    "Gujarati": ("gu", "Gujr"),
    "Gurmukhi": ("pa", "Guru"),
    "Bengali": ("bn", "Beng"),
    "Ethiopic": ("am", "Ethi"),
    "Tibetan": ("bo", "Tibt"),
}
# Scripts shared by many languages: statistics decide, on that script's letters only.
DETECTED_SCRIPTS = {
    "Latin": "Latn",
    "Cyrillic": "Cyrl",
    "Arabic": "Arab",
    "Devanagari": "Deva",
    "Other": None,
}
# Which script family a language is written in; used to compare a block with its page.
LANGUAGE_GROUP = {
    "zh": "CJK", "ja": "CJK", "ru": "Cyrillic", "uk": "Cyrillic", "bg": "Cyrillic",
    "mk": "Cyrillic", "sr": "Cyrillic", "ar": "Arabic", "fa": "Arabic", "ur": "Arabic",
    "hi": "Devanagari", "mr": "Devanagari", "ne": "Devanagari",
    **{lang: group for group, (lang, _) in SCRIPT_LANGUAGE.items()},
}  # fmt: skip
# Letters a language's alphabet lacks: one of them rules the language out.
FOREIGN_LETTERS = {
    "ru": "іїєґў", "uk": "ыэъёў", "bg": "ыэёіїєґў", "mk": "ыэъёіїєґў",
    "ar": "پچژگٹڈڑںے", "fa": "ٹڈڑںے",
}  # fmt: skip
_NOISE_RE = regex.compile(r"https?://\S+|www\.\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def detect(text: str) -> tuple[str, float, str | None]:
    """(ISO 639-1 code or "und", confidence 0..1, ISO 15924 script or None); never raises.

    The script family holding most letters wins; the confidence is that family's share of
    the letters times the statistics' probability (1.0 when the script decides), lowered
    for text under 40 letters.
    """
    text = _strip_noise(text[:MAX_CHARS])
    families = _families(letter_groups(text))
    total = sum(families.values())
    if not total:
        return UND
    group = _dominant(families)
    letters = families[group]
    lang, probability, script = _identify(text, group, min_letters=MIN_ANY_LETTERS)
    if lang == "und":
        return UND
    if lang == "zh":
        script = chinese_script(text)
    if group in DETECTED_SCRIPTS:  # statistics on a few letters are a guess, and say so
        probability *= min(1.0, letters / MIN_DETECT_LETTERS)
    return lang, round(probability * letters / total, 4), script


def assign(page: Page, blocks_known: bool = False) -> Page:
    """Set per-block languages (where there is signal) and the page's language over content.

    Blocks that already carry a language keep it. With `blocks_known` (the call after
    chrome removal, on a page this function has seen), blocks are taken as they are and
    only the page's language is re-aggregated over the remaining content: a block left
    without a language would get none again. Statistics judge only the page's longest
    blocks (a bound on cost); the others get a language only when their script decides it.
    """
    if blocks_known:
        blocks = page.blocks
    else:
        by_length = sorted(range(len(page.blocks)), key=lambda i: -len(page.blocks[i].text))
        judged = set(by_length[:MAX_JUDGED_BLOCKS])
        blocks = tuple(_with_language(b, i in judged) for i, b in enumerate(page.blocks))
    content = [block for block in blocks if not block.chrome]
    letters = _letters_per_language(content)
    total = sum(letters.values())
    if not total:
        lang, confidence, script = detect("\n".join(block.text for block in content))
        mix = {lang: 1.0} if lang != "und" else {}
        return dataclasses.replace(
            page, blocks=blocks, lang=lang, lang_confidence=confidence, script=script, lang_mix=mix
        )
    main = max(letters, key=lambda lang: letters[lang])
    share = letters[main] / total
    probability, script = _page_check(content, main)
    mix = {lang: round(n / total, 2) for lang, n in letters.most_common()}
    return dataclasses.replace(
        page,
        blocks=blocks,
        lang=main,
        lang_confidence=round(share * probability, 4),
        script=script,
        lang_mix={lang: value for lang, value in mix.items() if value > 0},
    )


def letter_groups(text: str) -> Counter[str]:
    """Letters per script family; Han and kana are reported apart."""
    return Counter(_letter_groups(text))


@functools.lru_cache(maxsize=16_384)  # asked of one block by several stages
def _letter_groups(text: str) -> Counter[str]:
    counts: Counter[str] = Counter()
    for match in _GROUP_RE.finditer(text):
        counts[match.lastgroup] += len(match.group())
    return counts


def script_share(text: str, lang: str) -> float | None:
    """Share of the text's letters written in the script family of `lang`; None without letters."""
    groups = _families(letter_groups(text))
    total = sum(groups.values())
    if not total or lang == "und":
        return None
    return groups.get(LANGUAGE_GROUP.get(lang, "Latin"), 0) / total


def script_family(text: str) -> str | None:
    """The script family holding most of the text's letters ("Latin", "CJK", "Hangul", ...)."""
    families = _families(letter_groups(text))
    return max(families, key=lambda name: families[name]) if families else None


def chinese_script(text: str) -> str:
    """Hant or Hans: Traditional text is what converting to Simplified changes most (ties: Hans)."""
    han = "".join(regex.findall(r"\p{Han}+", text))[:HAN_SAMPLE]
    traditional = _changed(han, zhconv.convert(han, "zh-hans"))
    simplified = _changed(han, zhconv.convert(han, "zh-hant"))
    return "Hant" if traditional > simplified else "Hans"


def _changed(text: str, converted: str) -> int:
    if len(text) == len(converted):
        return sum(a != b for a, b in zip(text, converted, strict=True))
    return sum(c not in converted for c in set(text))


def _strip_noise(text: str) -> str:
    """URLs and e-mail addresses are letters without a language."""
    return _NOISE_RE.sub(" ", text)


def _families(groups: Counter[str]) -> Counter[str]:
    """Merge Han and kana into one CJK family, which is how letters compete for a page."""
    merged = Counter(groups)
    merged["CJK"] = merged.pop("Han", 0) + merged.pop("Kana", 0)
    return +merged


def _dominant(families: Counter[str] | dict[str, int]) -> str:
    """The family whose letters carry most of the text, Latin letters counting half.

    Latin words sit inside other scripts' text far more often than the reverse (names,
    brands, "Share to Twitter"), and an alphabet spends more letters on a word than Hangul or
    Han do: a Korean sentence quoting "Employee Representative Organization" is Korean.
    """
    return max(families, key=lambda name: families[name] * (LATIN_WEIGHT if name == "Latin" else 1))


def _identify(text: str, group: str, min_letters: int) -> tuple[str, float, str | None]:
    """Language of the letters of one script family in `text`."""
    if group == "CJK":
        groups = letter_groups(text)
        kana, han = groups["Kana"], groups["Han"]
        if kana and kana >= KANA_SHARE_JA * (kana + han):
            return "ja", 1.0, "Jpan"
        return "zh", 1.0, None  # Hans/Hant is decided by the caller that needs it
    if group in SCRIPT_LANGUAGE:
        lang, script = SCRIPT_LANGUAGE[group]
        return lang, 1.0, script
    only = _only_group(text, group)[:DETECT_CHARS]
    letters = sum(letter_groups(only).values())
    if letters < min_letters:
        return UND
    lang, probability = _statistical(only, _candidates(only, group), letters)
    return lang, probability, DETECTED_SCRIPTS.get(group)


def _statistical(text: str, candidates: set[str], letters: int) -> tuple[str, float]:
    """The most probable candidate by n-grams, and for short text by common words too."""
    scores = langmodels.ngram_scores(text)
    if scores is None:
        return "und", 0.0
    posterior = langmodels.posteriors(scores, candidates)
    if letters < SHORT_TEXT_LETTERS:
        words = langmodels.word_scores(text, set(posterior))
        combined = {
            lang: NGRAM_WEIGHT * math.log(max(p, langmodels.MIN_POSTERIOR))
            + math.log(10) * words[lang]
            for lang, p in posterior.items()
        }
        posterior = langmodels.posteriors(combined)
    if not posterior:
        return "und", 0.0
    lang = max(posterior, key=lambda name: posterior[name])
    return lang, posterior[lang]


@functools.cache
def _script_languages(group: str) -> frozenset[str]:
    """The languages the statistics know that are written in that script family."""
    known = langmodels.languages()
    if group == "Other":
        return frozenset(known)
    return frozenset(lang for lang in known if LANGUAGE_GROUP.get(lang, "Latin") == group)


def _candidates(text: str, group: str) -> set[str]:
    """The script's languages, less those whose alphabet lacks a letter of the text."""
    candidates = set(_script_languages(group))
    letters = set(text.lower())
    narrowed = {lang for lang in candidates if not letters & set(FOREIGN_LETTERS.get(lang, ""))}
    return narrowed or candidates


def _only_group(text: str, group: str) -> str:
    """The text with letters of other script families blanked, so statistics see one script."""
    if group == "Other":
        return text

    def keep(match: regex.Match[str]) -> str:
        return match.group() if match.lastgroup == group else " "

    return _GROUP_RE.sub(keep, text)


def _block_language(text: str) -> str | None:
    """A block's language when it carries enough signal, else None.

    Script-decided letters count at any length; statistical families only with 40+ letters.
    Among the families that qualify, the one with most letters wins.
    """
    text = _strip_noise(text[:MAX_CHARS])
    families = _families(letter_groups(text))
    candidates = {
        group: n
        for group, n in families.items()
        if group == "CJK" or group in SCRIPT_LANGUAGE or n >= MIN_DETECT_LETTERS
    }
    if not candidates:
        return None
    group = _dominant(candidates)
    lang, _, _ = _identify(text, group, min_letters=MIN_DETECT_LETTERS)
    return None if lang == "und" else lang


_cached_block_language = functools.lru_cache(maxsize=8192)(_block_language)


def _script_language(text: str) -> str | None:
    """A block's language when its script alone decides it (Han, Hangul, Thai, ...)."""
    families = _families(letter_groups(_strip_noise(text[:MAX_CHARS])))
    decided = {g: n for g, n in families.items() if g == "CJK" or g in SCRIPT_LANGUAGE}
    if not decided or _dominant(families) not in decided:
        return None
    return _identify(text, _dominant(decided), min_letters=MIN_DETECT_LETTERS)[0]


def _with_language(block: Block, judged: bool = True) -> Block:
    if block.lang is not None:
        return block
    text = block.text
    if not judged:
        lang = _script_language(text)
    elif len(text) <= CACHED_BLOCK_CHARS:
        lang = _cached_block_language(text)
    else:
        lang = _block_language(text)
    return dataclasses.replace(block, lang=lang) if lang else block


def _letters_per_language(blocks: list[Block]) -> Counter[str]:
    """Letters per language; blocks without one count for their nearest neighbour's."""
    langs = _inherited([block.lang for block in blocks])
    letters: Counter[str] = Counter()
    for block, lang in zip(blocks, langs, strict=True):
        if lang:
            letters[lang] += sum(letter_groups(_strip_noise(block.text)).values())
    return +letters


def _inherited(langs: list[str | None]) -> list[str | None]:
    """Fill gaps with the nearest known language (the earlier one on a tie)."""
    before = _last_seen(langs)
    after = _last_seen(langs[::-1])[::-1]
    filled = []
    for lang, (left, left_gap), (right, right_gap) in zip(langs, before, after, strict=True):
        filled.append(lang or (left if left_gap <= right_gap else right))
    return filled


def _last_seen(langs: list[str | None]) -> list[tuple[str | None, float]]:
    """For each position, the last known language so far and how far back it was."""
    seen: list[tuple[str | None, float]] = []
    last, at = None, -math.inf
    for i, lang in enumerate(langs):
        if lang:
            last, at = lang, i
        seen.append((last, i - at))
    return seen


def _page_check(content: list[Block], main: str) -> tuple[float, str | None]:
    """The probability and the script of the page's main-language text.

    One scoring over the main language's blocks joined, not a per-block redo.
    """
    sample = "\n".join(block.text for block in content if block.lang == main)[:PAGE_SAMPLE]
    group = LANGUAGE_GROUP.get(main, "Latin")
    if main == "zh":
        return 1.0, chinese_script(sample)
    if main == "ja":
        return 1.0, "Jpan"
    if group in SCRIPT_LANGUAGE:
        return 1.0, SCRIPT_LANGUAGE[group][1]
    only = _only_group(_strip_noise(sample), group)[:DETECT_CHARS]
    scores = langmodels.ngram_scores(only)
    probability = langmodels.posteriors(scores, _script_languages(group)) if scores else {}
    return probability.get(main, 0.5), DETECTED_SCRIPTS.get(group)


__all__ = ["assign", "chinese_script", "detect", "letter_groups", "script_family", "script_share"]
