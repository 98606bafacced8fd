"""Repair text that was damaged before or while it was decoded.

Two kinds of damage:

* ordinary mojibake (UTF-8 read as Windows-1252 and the like), fixed by ftfy;
* Shift_JIS pages whose 0x81 lead bytes were lost, so the full-width punctuation
  “ ” ’ ‘ (0x8167, 0x8168, 0x8166, 0x8165) survives only as its trail byte: g, h, f, e
  ("gTwitterh", "donft"). This part is hand-written: ftfy only undoes mojibake where
  a whole text went through the wrong codec and no library restores bytes that are
  gone, so the damage has to be recognised from the words around it.

Lost lead bytes are decided per document: a page is repaired only when it shows at
least two strong hits, and then only forms that look damaged are touched, so the
ordinary words (chefs, growth, high, gone, if, of) stay as they are.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from itertools import islice

import ftfy
import regex

from indexer.model import Block, Page

_FTFY = ftfy.TextFixerConfig(
    uncurl_quotes=False,  # “ ” ’ are what the page says; keep them
    fix_character_width=False,  # would turn CJK punctuation （，！ into ASCII
    fix_line_breaks=False,  # repair() splits the text back into blocks on "\n"
    explain=True,
)

MIN_STRONG_HITS = 2  # strong hits a page needs before lost lead bytes are restored
MAX_PAIR_TOKENS = 10  # how far a closing quote may be from its opening one
MAX_EXAMPLES = 3
ENGLISH_SHARE = 0.6  # of Latin-script words that are common English words (zipf >= 3.5)
IS_WORD = 2.5  # wordfreq zipf of a clearly English word
NOT_A_WORD = 1.0  # zipf under which a form is not a word

# Contractions whose apostrophe (0x8166 -> "f") was lost: "donft", "Letfs", "Ifm".
# fmt: off
_CONTRACTIONS = (
    "don't", "doesn't", "didn't", "can't", "won't", "isn't", "aren't", "wasn't", "weren't",
    "hasn't", "haven't", "hadn't", "couldn't", "shouldn't", "wouldn't", "mustn't", "needn't",
    "ain't", "let's", "it's", "that's", "there's", "here's", "what's", "where's", "who's",
    "how's", "he's", "she's", "it'll", "that'll", "he'll", "she'll", "he'd", "she'd", "you're",
    "you've", "you'll", "you'd", "we're", "we've", "we'll", "we'd", "they're", "they've",
    "they'll", "they'd", "o'clock", "y'all", "I'm", "I'll", "I've", "I'd",
)
# fmt: on

_ASCII_FIXABLE = re.compile(r"[&\x00-\x08\x0b-\x1f\x7f]")  # what ftfy changes in ASCII text
_WORD = regex.compile(r"[\p{L}\p{N}]+")
_TOKEN = regex.compile(r"\S+")
_LATIN_WORD = regex.compile(r"\p{Latin}{2,}")
_WORDLIKE = regex.compile(r"[(\[]?[\p{L}\p{N}'’-]+(?:[.,!?]\p{L})?[.,;:!?)\]]*")  # not "a/b_c.h"
_POSSESSIVE = regex.compile(r"(?<![\p{L}\p{N}])(\p{Lu}\p{Ll}+)(f)s(?![\p{L}\p{N}])")
_OPEN_PUNCT = "(["
_CLOSE_PUNCT = ".,;:!?)]"
_LAST_WORD = regex.compile(r"(?P<word>[\p{L}\p{N}]+)[.,!?]?$")  # a closing mark's (_closing)


def repair(page: Page) -> Page:
    """Repair the page's blocks, deciding on lost lead bytes from the whole page."""
    texts = [block.text for block in page.blocks]
    fixed, notes = repair_text("\n".join(texts))
    if not notes:
        return page
    lines = iter(fixed.split("\n"))  # repair_text never adds or removes a "\n"
    blocks = tuple(
        _with_text(block, "\n".join(islice(lines, block.text.count("\n") + 1)))
        for block in page.blocks
    )
    return replace(page, blocks=blocks, repairs=page.repairs + tuple(notes))


def repair_text(text: str) -> tuple[str, list[str]]:
    """Repair mojibake, then lost Shift_JIS lead bytes; return the text and what was done."""
    notes = []
    text, note = _fix_mojibake(text)
    if note:
        notes.append(note)
    text, note = _restore_lead_bytes(text)
    if note:
        notes.append(note)
    return text, notes


def _with_text(block: Block, text: str) -> Block:
    return block if text == block.text else replace(block, text=text)


# --- ftfy ---------------------------------------------------------------------------


def _fix_mojibake(text: str) -> tuple[str, str | None]:
    """Run ftfy line by line (as ftfy.fix_text does), keeping every "\\n" in place."""
    lines, steps = [], []
    for line in text.split("\n"):
        if line.isascii() and not _ASCII_FIXABLE.search(line):
            lines.append(line)  # nothing ftfy would change: most lines of most pages
            continue
        fixed, explanation = ftfy.fix_and_explain(line, _FTFY)
        if fixed != line:
            steps.extend(f"{action} {arg}" for action, arg in explanation or [])
        lines.append(fixed)
    if not steps:
        return text, None
    return "\n".join(lines), "ftfy: " + ", ".join(dict.fromkeys(steps))


# --- lost Shift_JIS lead bytes --------------------------------------------------------


@dataclass(frozen=True)
class _Edit:
    """Trail-byte letters to turn back into the punctuation they came from."""

    chars: dict[int, str]  # position in the text -> restored character
    before: str  # "gTwitterh", for the repair note
    after: str  # "“Twitter”"
    strong: bool  # evidence on its own that the page lost its lead bytes


@dataclass(frozen=True)
class _Mark:
    """One end of a quote: its word with the trail-byte letter and without it."""

    pos: int  # of the letter, in the text
    damaged: str  # "gGroup", "donationh"
    bare: str  # "Group", "donation"
    upper_after: bool = False  # "gGroup": a lowercase letter glued to a capitalised word
    after_punct: bool = False  # "Hello,h" or "yes.h", but also a file name "node.h"


@functools.lru_cache(maxsize=1 << 16)
def _zipf(word: str) -> float:
    """English word frequency; wordfreq loads its lists on first use, so import it late."""
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en")


def _restore_lead_bytes(text: str) -> tuple[str, str | None]:
    """Restore “ ” ’ ‘ in a page that shows enough evidence of lost 0x81 lead bytes."""
    vocab = {word.lower() for word in _WORD.findall(text)}
    cased = set(_WORD.findall(text))
    edits = [*_contractions(text), *_possessives(text, cased)]
    if sum(edit.strong for edit in edits) + _damaged_ends(text, vocab) < MIN_STRONG_HITS:
        return text, None  # not enough evidence possible: spare the token-by-token search
    edits += [
        *_quote_pairs(text, vocab, "g", "h", "“", "”", both_damaged=False),
        *_quote_pairs(text, vocab, "e", "f", "‘", "’", both_damaged=True),
    ]
    edits = _without_overlaps(edits)  # "Letfs" is a contraction, not Let's possessive
    if sum(edit.strong for edit in edits) < MIN_STRONG_HITS:
        return text, None
    chars = {pos: char for edit in edits for pos, char in edit.chars.items()}
    fixed = "".join(chars.get(i, c) for i, c in enumerate(text))
    if not _looks_english(fixed):  # judged after repair: "donft" is not English, "don" is
        return text, None
    return fixed, _describe(edits, len(chars))


def _damaged_ends(text: str, vocab: set[str], enough: int = MIN_STRONG_HITS) -> int:
    """How many tokens could be the clearly damaged end of a quote (counted up to
    `enough`): a known word with a trail-byte letter before or after it (as _opening,
    _closing and _single read them) that makes it no word. Every quote pair that is strong
    evidence has one, so fewer than MIN_STRONG_HITS of them (with the contractions and
    possessives) rules the page out, with one look at each distinct token."""
    found = 0
    for token, count in Counter(text.split()).items():
        core = token.lstrip(_OPEN_PUNCT).rstrip(_CLOSE_PUNCT)
        if len(core) < 2:
            continue
        ends = []
        if core[0] in "ge" and (word := _WORD.match(core, 1)):
            ends.append((core[0] + word.group(), word.group()))
            if core[-1] in "hf":
                ends.append((core, core[1:-1]))
        if core[-1] in "hf" and (word := _LAST_WORD.search(core, 0, len(core) - 1)):
            ends.append((word["word"] + core[-1], word["word"]))
        if any(_zipf(damaged) < NOT_A_WORD and _is_known(bare, vocab) for damaged, bare in ends):
            found += count
            if found >= enough:
                break
    return found


def _looks_english(text: str) -> bool:
    """The word lists above are English: leave Vietnamese "gian ... cách" alone."""
    words = [m.group().lower() for m in islice(_LATIN_WORD.finditer(text), 5000)]
    return sum(_zipf(w) >= 3.5 for w in words) >= ENGLISH_SHARE * len(words) > 0


def _without_overlaps(edits: list[_Edit]) -> list[_Edit]:
    kept, taken = [], set()
    for edit in edits:
        if taken.isdisjoint(edit.chars):
            kept.append(edit)
            taken.update(edit.chars)
    return kept


def _edit(text: str, start: int, end: int, chars: dict[int, str], strong: bool) -> _Edit:
    before = text[start:end]
    after = "".join(chars.get(start + i, c) for i, c in enumerate(before))
    return _Edit(chars, before, after, strong)


def _describe(edits: list[_Edit], restored: int) -> str:
    """The note for Page.repairs, with the shortest few of the repairs as examples."""
    by_length = sorted(edits, key=lambda e: len(e.before))
    kinds = [len(e.chars) for e in by_length]  # 2 for a quote pair, 1 for an apostrophe
    turns = sorted(range(len(by_length)), key=lambda i: (kinds[:i].count(kinds[i]), i))
    examples = {by_length[i].before: by_length[i].after for i in turns}  # kinds take turns
    shown = [f"{before} → {after}" for before, after in list(examples.items())[:MAX_EXAMPLES]]
    more = ", …" if len(examples) > MAX_EXAMPLES else ""
    return (
        f"shift_jis lost lead bytes: {restored} quotes/apostrophes restored "
        f"({', '.join(shown)}{more})"
    )


def _contractions(text: str) -> Iterable[_Edit]:
    """Known contractions with "f" for the apostrophe; strong unless the f-form is a word."""
    for match in _CONTRACTION.finditer(text):
        strong = _zipf(match.group()) < NOT_A_WORD  # "Ifm" is also an abbreviation
        yield _edit(text, match.start(), match.end(), {match.start(1): "’"}, strong)


def _contraction_pattern() -> regex.Pattern[str]:
    forms = []
    for word in _CONTRACTIONS:
        head, tail = word.split("'")
        spellings = {head} if head == "I" else {head, head.capitalize()}
        forms += [f"{h}(f){tail}" for h in sorted(spellings)]
    return regex.compile(rf"(?<![\p{{L}}\p{{N}}])(?|{'|'.join(forms)})(?![\p{{L}}\p{{N}}])")


_CONTRACTION = _contraction_pattern()


def _possessives(text: str, cased: set[str]) -> Iterable[_Edit]:
    """'Yokotafs': a capitalised name + f + s, when the name is on the page or a word."""
    for match in _POSSESSIVE.finditer(text):
        name, word = match.group(1), match.group()
        if _zipf(word) >= NOT_A_WORD:  # Chefs, Roofs, Leafs
            continue
        on_page = name in cased
        if on_page or _zipf(name) >= IS_WORD:
            yield _edit(text, match.start(), match.end(), {match.start(2): "’"}, on_page)


def _quote_pairs(
    text: str,
    vocab: set[str],
    open_mark: str,
    close_mark: str,
    open_char: str,
    close_char: str,
    *,
    both_damaged: bool,
) -> Iterable[_Edit]:
    """Quotes that kept only their trail bytes: "gTwitterh", "gone-click donationh".

    Each closing mark is paired with the nearest opening mark before it on the same
    line that makes an acceptable pair (see _accept).
    """
    offset = 0
    for line in text.split("\n"):
        tokens = [
            (offset + t.start(), t.group())
            for t in _TOKEN.finditer(line)
            if _WORDLIKE.fullmatch(t.group())
        ]
        opens = [_opening(start, token, open_mark) for start, token in tokens]
        closes = [_closing(start, token, close_mark) for start, token in tokens]
        taken = -1
        for j, closing in enumerate(closes):
            if closing is None:
                continue
            for i in range(j, max(taken, j - MAX_PAIR_TOKENS - 1), -1):
                opening = opens[i]
                if opening is None:
                    continue
                ends = [_single(tokens[i])] if i == j else [opening, closing]
                strong = _accept(ends, vocab, both_damaged)
                if strong is not None:
                    chars = {opening.pos: open_char, closing.pos: close_char}
                    yield _edit(text, opening.pos, closing.pos + 1, chars, strong)
                    taken = j
                    break
        offset += len(line) + 1


def _accept(ends: list[_Mark], vocab: set[str], both_damaged: bool) -> bool | None:
    """None to reject a pair, else whether it is strong evidence.

    One end must be clearly damaged (both, for the rarer single quotes and for a mark
    after punctuation) and the other must at least read better without its mark.
    """
    damaged = [_is_damaged(end, vocab) for end in ends]
    both_damaged = both_damaged or any(end.after_punct for end in ends)
    if not any(damaged) or (both_damaged and not all(damaged)):
        return None
    if not all(_is_plausible(end, vocab) for end in ends):
        return None
    return any(_zipf(end.damaged) < NOT_A_WORD for end in ends)


def _opening(start: int, token: str, mark: str) -> _Mark | None:
    """'gone-click' -> ('gone', 'one'): a mark that starts a token, before a letter."""
    lead = len(token) - len(token.lstrip(_OPEN_PUNCT))
    word = _WORD.match(token, lead + 1)
    if token[lead : lead + 1] != mark or word is None or not word.group()[0].isalpha():
        return None
    bare = word.group()
    return _Mark(start + lead, mark + bare, bare, upper_after=bare[0].isupper())


def _closing(start: int, token: str, mark: str) -> _Mark | None:
    """'donationh.' -> ('donationh', 'donation'): a mark that ends a token, after a word."""
    end = len(token.rstrip(_CLOSE_PUNCT)) - 1  # where the mark should be
    if end < 1 or token[end] != mark:
        return None
    after_punct = token[end - 1] in ".,!?"  # 'gHello,h'
    word_end = end - after_punct
    words = list(_WORD.finditer(token, 0, word_end))
    if not words or words[-1].end() != word_end or not words[-1].group().isalpha():
        return None  # "23th" is a date, not a quote
    bare = words[-1].group()
    return _Mark(start + end, bare + mark, bare, after_punct=after_punct)


def _single(token: tuple[int, str]) -> _Mark:
    """'gTwitterh' -> ('gTwitterh', 'Twitter'): both marks on one token."""
    start, text = token
    lead = len(text) - len(text.lstrip(_OPEN_PUNCT))
    core = text[lead:].rstrip(_CLOSE_PUNCT)
    return _Mark(start + lead, core, core[1:-1], upper_after=core[1:2].isupper())


def _is_known(word: str, vocab: set[str]) -> bool:
    return word.lower() in vocab or _zipf(word) >= IS_WORD


def _is_damaged(mark: _Mark, vocab: set[str]) -> bool:
    """The marked form is no word (or a letter glued to a capital) but the bare one is."""
    if not mark.bare or not _is_known(mark.bare, vocab):
        return False
    damaged = _zipf(mark.damaged)
    return damaged < NOT_A_WORD or (mark.upper_after and damaged < _zipf(mark.bare))


def _is_plausible(mark: _Mark, vocab: set[str]) -> bool:
    """The bare form is a word more common than the marked one ('one' vs 'gone')."""
    if _is_damaged(mark, vocab):
        return True
    return _is_known(mark.bare, vocab) and _zipf(mark.bare) > _zipf(mark.damaged)
