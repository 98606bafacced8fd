"""Split text into runs of one script, the first stage of analysis.

Which segmenter and which normalisers apply depends on the script of a run, never on the
page's language: Han runs become words through jieba (or bigrams in Japanese mode), Kana and
Hangul runs become bigrams, Thai runs become words through a dictionary segmenter, Lao, Khmer
and Myanmar runs (also written without spaces) become bigrams of letter clusters, and every
other run of letters and digits is one word whose script decides normalising, folding and
stemming. One precompiled regular expression finds all runs; the name of the group that
matched is the run's script.
"""

from __future__ import annotations

from collections.abc import Iterator

import regex

HAN = "han"
KANA = "kana"
JAPANESE = "japanese"  # Han and Kana together, in Japanese mode
HANGUL = "hangul"
LATIN = "latin"
GREEK = "greek"
CYRILLIC = "cyrillic"
ARABIC = "arabic"
DEVANAGARI = "devanagari"
THAI = "thai"
LAO = "lao"
KHMER = "khmer"
MYANMAR = "myanmar"
OTHER = "other"  # any other letters: Hebrew, Bengali, Georgian, ... kept whole

_WORD = r"[\p{L}\p{M}\p{N}]"
# Script_Extensions, not Script, so that ー (U+30FC) and the half-width voicing marks stay
# inside Kana runs and 々 inside Han runs; the intersection keeps punctuation such as 、。 out.
_HAN = r"[\p{scx=Han}&&" + _WORD + "]"
_KANA = r"[[\p{scx=Hiragana}\p{scx=Katakana}]&&" + _WORD + "]"
_HANGUL_RUN = r"[\p{scx=Hangul}&&" + _WORD + "]+"

# Words start with a letter or digit, never a combining mark, so that folding away accents
# never leaves an empty term. Decimal digits join Latin words (mp3, COVID19) and otherwise form
# Latin words of their own, which folding and stemming leave alone. An apostrophe between Latin
# letters keeps the word whole ("Japan's", "don't", "l'état"), so that the stemmer or the
# apostrophe filter, not the tokenizer, decides what it means.
_LATIN = r"[\p{Latin}\p{M}\p{Nd}]"
_LATIN_WORD = r"[\p{Latin}\p{Nd}]" + _LATIN + r"*(?:['’]" + _LATIN + r"+)*"
_GREEK_WORD = r"[\p{Greek}\p{N}][\p{Greek}\p{M}\p{N}]*"
_CYRILLIC_WORD = r"[\p{Cyrillic}\p{N}][\p{Cyrillic}\p{M}\p{N}]*"
_ARABIC_WORD = r"[\p{scx=Arabic}&&" + _WORD + "]+"
# Zero-width (non-)joiners choose a conjunct's shape inside a Hindi word; they do not end it.
_DEVANAGARI_WORD = (
    r"[\p{scx=Devanagari}&&[\p{L}\p{N}]][[\p{scx=Devanagari}&&" + _WORD + r"]\u200c\u200d]*"
)
_SPACELESS = {THAI: "Thai", LAO: "Lao", KHMER: "Khmer", MYANMAR: "Myanmar"}
_NAMED = (
    r"[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Hangul}"
    r"\p{Latin}\p{Greek}\p{Cyrillic}\p{scx=Arabic}\p{scx=Devanagari}"
    r"\p{scx=Thai}\p{scx=Lao}\p{scx=Khmer}\p{scx=Myanmar}]"
)
_OTHER = r"[" + _WORD + "--" + _NAMED + "]"
_OTHER_WORD = r"[" + _OTHER + r"--\p{M}]" + _OTHER + "*"


def _runs_pattern(cjk: str) -> regex.Pattern:
    # The classes do not overlap (but for marks and digits at the start of a run), so the
    # order of the branches is for speed: Latin is the most frequent, and the lookahead lets
    # the engine skip spaces and punctuation without trying every branch.
    return regex.compile(
        rf"(?V1)(?={_WORD})(?:"
        rf"(?P<{LATIN}>{_LATIN_WORD})"
        rf"|{cjk}"
        rf"|(?P<{HANGUL}>{_HANGUL_RUN})"
        rf"|(?P<{CYRILLIC}>{_CYRILLIC_WORD})"
        rf"|(?P<{GREEK}>{_GREEK_WORD})"
        rf"|(?P<{ARABIC}>{_ARABIC_WORD})"
        rf"|(?P<{DEVANAGARI}>{_DEVANAGARI_WORD})"
        + "".join(
            rf"|(?P<{name}>[\p{{scx={script}}}&&{_WORD}]+)" for name, script in _SPACELESS.items()
        )
        + rf"|(?P<{OTHER}>{_OTHER_WORD}))"
    )


_RUNS = _runs_pattern(rf"(?P<{HAN}>{_HAN}+)|(?P<{KANA}>{_KANA}+)")
_JAPANESE_RUNS = _runs_pattern(rf"(?P<{JAPANESE}>(?:{_HAN}|{_KANA})+)")


def script_runs(text: str, japanese: bool = False) -> Iterator[tuple[str, int, int]]:
    """Yield (script, start, end) for each run of letters or digits of one script in text.

    In Japanese mode adjacent Han and Kana form one run (東京都に行く), so that bigrams span
    the boundary between kanji and okurigana as they do in Lucene's CJK analysis.
    """
    pattern = _JAPANESE_RUNS if japanese else _RUNS
    for match in pattern.finditer(text):
        yield match.lastgroup, match.start(), match.end()


def script_of(text: str) -> str:
    """The script of the first run in text (OTHER if it has no letters or digits)."""
    match = _RUNS.search(text)
    return match.lastgroup if match else OTHER
