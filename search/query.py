"""The query language: read what the user typed, then compile it per language field.

Hand-written rather than Whoosh's QueryParser because one user field (`title:`, or
no field at all) must expand to every per-language field with that field's own
analyzer, and because Whoosh silently re-reads unknown fields and stray operators
in ways the user cannot see. Here the reading is lenient (unbalanced quotes and
parentheses are closed, unknown `field:` prefixes and symbol-only words are dropped)
and always reported back: `parsed_query` is the query as searched, and `notes` say
what was changed or cut short on the way.

Syntax: words are ANDed; "quoted phrases" (also “…” and 「…」); `-word` or `NOT word`;
`a OR b` (binds tighter than the implicit AND, as in web search engines); parentheses;
`title:`, `source:`, `lang:`, `year:` and `site:` prefixes on a word, phrase or group;
`prefix*` (at least MIN_PREFIX letters, or one CJK character); `word~` (fuzzy: 1 edit for
3-5 letters, 2 from 6, or `word~1` explicitly); `"a phrase"~N` (proximity: the words in
order with at most N other words between each two); `in:chrome` (search the page chrome
that was removed instead of the title and body).

`site:example.org` matches the host and its subdomains (search.sites); `source:` stays the
credited publisher. `in:` is a directive for the whole query, not a field of one word.

Matching is strict first and relaxed when that finds too few pages (`search.relax`): the
plain words of the query (not phrases, negations, OR groups, fields, prefixes or fuzzy
words) need not all match then, and stop words never have to. `Compiled.relaxed()` gives
the next, looser step.

Prefix and fuzzy words expand to at most MAX_EXPANSIONS index terms per field, the
most frequent (prefix) or the nearest, then most frequent (fuzzy) ones: Whoosh's own
Prefix and FuzzyTerm queries OR together every matching term, which takes seconds on
a large index. A prefix is lowercased and folded but not stemmed (the stem of a
prefix is not a prefix of the stems); a fuzzy word is compared both as typed and as
stemmed, since the index holds stems.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

import regex
from whoosh import query as wq
from whoosh.fields import Schema
from whoosh.reading import IndexReader
from whoosh.support.levenshtein import damerau_levenshtein

from search import relax, sites
from search.analysis import stopwords, thai
from search.analysis.analyzers import script_of_family
from search.analysis.scripts import THAI
from search.schema import body_field, chrome_field, title_field

# Bounds on the work one query can ask for: a longer query is cut (with a note), not refused.
MAX_QUERY_CHARS = 2_000
MAX_QUERY_TERMS = 64  # words and phrases; later ones are left out
MAX_TOKENS = 4 * MAX_QUERY_TERMS  # words, operators, fields, parentheses; the rest is left out
MAX_DEPTH = 16  # nested parentheses; deeper ones are read as if they were not there
MIN_PREFIX = 3
MAX_EXPANSIONS = 64  # index terms a prefix or fuzzy word stands for, per field
MAX_EXPANDED_WORDS = 8  # prefix and fuzzy words per query; later ones are exact words
MAX_FUZZY_EDITS = 2
KEYWORD_FIELDS = ("source", "lang", "year", "site")
SCOPES = ("body", "chrome")  # what `in:` searches: the page (title and body), or its chrome
DIRECTIVES = ("in",)  # `name:` prefixes that set how the whole query is searched
MAX_SLOP = 50  # most words allowed between two words of a proximity phrase
# Families analysed into character bigrams: a word's bigrams must be adjacent to mean
# the word (as Lucene's CJK analysis does), so a multi-token word becomes a phrase there.
BIGRAM_FAMILIES = ("ja", "ko")
FIELDS = ("title", *KEYWORD_FIELDS, *DIRECTIVES)

_CJK = regex.compile(r"[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Hangul}]")
_QUOTES = {'"': '"', "“": "”", "「": "」", "『": "』"}


class QueryError(ValueError):
    """The query cannot be searched; the message is shown to the user as is."""


@dataclass(frozen=True)
class Word:
    text: str
    field: str | None = None
    phrase: bool = False
    prefix: bool = False  # `text*`
    fuzzy: int = 0  # `text~`: the most edits a match may be away
    slop: int = 0  # `"a phrase"~N`: at most N other words between two of its words


@dataclass(frozen=True)
class Not:
    node: Node


@dataclass(frozen=True)
class And:
    nodes: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    nodes: tuple[Node, ...]


Node = Word | Not | And | Or


@dataclass(frozen=True)
class Reading:
    """The syntax tree of a query, and what the lenient reading changed."""

    node: Node | None
    notes: tuple[str, ...] = ()
    scope: str | None = None  # `in:chrome` or `in:body`; None when the query does not say
    directives_only: bool = False  # nothing but directives (`in:chrome` alone)


_TOKENS = re.compile(
    r"""(?P<space>\s+)
      | (?P<open>[(（])
      | (?P<close>[)）])
      | (?P<minus>-(?=[^\s)）]))
      | (?P<field>[A-Za-z]+):(?=[^\s)）/])
      | (?P<phrase>(?:"[^"]*"?|“[^”]*”?|「[^」]*」?|『[^』]*』?)(?:~\d+)?)
      | (?P<word>[^\s()（）"“”「」『』]+)""",
    re.VERBOSE,
)
_FUZZY = re.compile(r"(?P<text>.*[^~])~(?P<edits>\d)?")
_SLOP = re.compile(r"(?P<phrase>.*)~(?P<slop>\d+)", re.DOTALL)


@dataclass(frozen=True)
class Token:
    kind: str  # open, close, minus, field, phrase or word
    text: str
    start: int
    end: int


def tokenize(text: str) -> list[Token]:
    """The query's tokens with their character spans (did-you-mean rewrites words in place)."""
    return [
        Token(m.lastgroup, m.group(), m.start(), m.end())
        for m in _TOKENS.finditer(text)
        if m.lastgroup != "space"
    ]


def read(text: str) -> Reading:
    """The query's syntax tree (None for an empty query) and notes on how it was read."""
    text, cut = bounded(text)
    tokens, capped = _capped(tokenize(text))
    parser = _Parser(tokens)
    node = parser.parse()
    only = node is None and bool(tokens) and parser.directive_tokens == len(tokens)
    notes = tuple(dict.fromkeys((*cut, *capped, *parser.notes)))
    return Reading(node, notes, parser.scope, only)


def bounded(text: str) -> tuple[str, tuple[str, ...]]:
    """The part of `text` that is searched, at most MAX_QUERY_CHARS characters (cut after a
    word where one ends in the second half), and a note when it was cut: a pasted page
    is searched by its start rather than refused."""
    if len(text) <= MAX_QUERY_CHARS:
        return text, ()
    head = text[:MAX_QUERY_CHARS]
    if not text[MAX_QUERY_CHARS].isspace():
        space = max(head.rfind(" "), head.rfind("\n"), head.rfind("\t"))
        head = head[:space] if space > MAX_QUERY_CHARS // 2 else head
    return head, (f"The query was cut to its first {len(head):,} characters.",)


def _capped(tokens: list[Token]) -> tuple[list[Token], tuple[str, ...]]:
    """The tokens up to the MAX_QUERY_TERMS-th word or phrase (and MAX_TOKENS in all),
    with parentheses nested deeper than MAX_DEPTH left out, and notes: the parser recurses
    once per level of parentheses and per prefix (`-`, `field:`) of a word."""
    kept: list[Token] = []
    notes = []
    words = depth = 0
    for token in tokens:
        if len(kept) == MAX_TOKENS:
            notes.append(f"Only the first {MAX_TOKENS} words and operators were read.")
            break
        if token.kind in ("word", "phrase"):
            words += 1
            if words > MAX_QUERY_TERMS:
                notes.append(f"Only the first {MAX_QUERY_TERMS} words were searched.")
                break
        elif token.kind == "open":
            depth += 1
            if depth > MAX_DEPTH:
                notes.append(f"Parentheses nested deeper than {MAX_DEPTH} levels were ignored.")
                continue
        elif token.kind == "close" and depth:
            depth -= 1
            if depth >= MAX_DEPTH:
                continue
        elif token.kind == "minus" and kept and kept[-1].kind == "minus":
            kept.pop()  # "--a" is a: two minus signs cancel
            continue
        kept.append(token)
    return kept, tuple(notes)


def parse(text: str) -> Node | None:
    """The query's syntax tree, or None when nothing in it can be read as a word."""
    return read(text).node


class _Parser:
    """Recursive descent over the tokens; never fails, only reads leniently."""

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.i = 0
        self.notes: list[str] = []
        self.scope: str | None = None
        self.directive_tokens = 0  # tokens read as directives (`in:` and its value)

    def parse(self) -> Node | None:
        nodes = []
        while self.i < len(self.tokens):
            node = self._and()
            if node is not None:
                nodes.append(node)
            if self._kind() == "close":  # a stray ")" at the top level is ignored
                self.i += 1
        return _join(And, nodes)

    def _peek(self) -> Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def _kind(self) -> str | None:
        token = self._peek()
        return token.kind if token else None

    def _is(self, operator: str) -> bool:
        token = self._peek()
        return token is not None and token.kind == "word" and token.text == operator

    def _and(self) -> Node | None:
        nodes = []
        while self._kind() not in (None, "close"):
            if self._is("AND"):
                self.i += 1
                continue
            node = self._or()
            if node is not None:
                nodes.append(node)
        return _join(And, nodes)

    def _or(self) -> Node | None:
        nodes = [self._unary()]
        while self._is("OR"):
            self.i += 1
            nodes.append(self._unary())
        return _join(Or, [n for n in nodes if n is not None])

    def _unary(self) -> Node | None:
        negations = 0  # counted, not nested: "- - - a" is -a, "--a" is a
        while self._kind() == "minus" or self._is("NOT"):
            self.i += 1
            negations += 1
        if self._kind() in (None, "close"):
            return None
        if self._is("OR") or self._is("AND"):  # an operator with nothing before it
            self.i += 1
            return None
        node = self._primary(None)
        return Not(node) if node is not None and negations % 2 else node

    def _primary(self, field_name: str | None) -> Node | None:
        token = self.tokens[self.i]
        self.i += 1
        if token.kind == "field":
            name = token.text[:-1].lower()
            if name not in FIELDS:
                self.notes.append(
                    f'Unknown field "{token.text}" ignored; the fields are '
                    + ", ".join(f"{f}:" for f in FIELDS)
                    + "."
                )
                name = field_name
            if name in DIRECTIVES:
                return self._directive(token)
            return self._primary(name) if self._peek() else None
        if token.kind == "open":
            node = self._and()
            if self._peek() is not None:
                self.i += 1  # the matching ")"; a missing one is implied at the end
            return _with_field(node, field_name) if field_name else node
        if token.kind == "phrase":
            return self._phrase(token.text, field_name)
        if token.kind == "minus":
            return self._primary(field_name) if self._peek() else None
        return self._word(token.text, field_name)

    def _directive(self, token: Token) -> Node | None:
        """`in:chrome` / `in:body`: sets the scope of the whole query; an unknown value is
        searched as a word, with a note."""
        value = self._peek()
        if value is not None and value.kind == "word" and value.text.lower() in SCOPES:
            self.i += 1
            self.directive_tokens += 2
            self.scope = value.text.lower()
            return None
        self.notes.append(
            f'"{token.text}" takes ' + " or ".join(f'"{s}"' for s in SCOPES) + "; ignored."
        )
        return self._primary(None) if value is not None else None

    def _phrase(self, text: str, field_name: str | None) -> Word | None:
        slop = 0
        sloppy = _SLOP.fullmatch(text)
        if sloppy and sloppy["phrase"][1:].endswith(_QUOTES[text[0]]):
            text, slop = sloppy["phrase"], int(sloppy["slop"])
            if slop > MAX_SLOP:
                self.notes.append(
                    f"Proximity ~{slop} is more than {MAX_SLOP}; searched within {MAX_SLOP}."
                )
                slop = MAX_SLOP
        closer = _QUOTES[text[0]]
        inner = text[1:-1] if text[1:].endswith(closer) else text[1:]
        return Word(inner, field_name, phrase=True, slop=slop) if inner.strip() else None

    def _word(self, text: str, field_name: str | None) -> Word:
        stem = text.rstrip("*")
        if stem != text and stem and "*" not in stem:
            if field_name not in KEYWORD_FIELDS and _too_short_for_prefix(stem):
                self.notes.append(
                    f'"{text}": a prefix needs {MIN_PREFIX} letters or more; '
                    f'searched "{stem}" as a word.'
                )
                return Word(stem, field_name)
            return Word(stem, field_name, prefix=True)
        fuzzy = _FUZZY.fullmatch(text)
        if fuzzy and "~" not in fuzzy["text"]:
            word, explicit = fuzzy["text"], fuzzy["edits"]
            edits = min(int(explicit), MAX_FUZZY_EDITS) if explicit else fuzzy_edits(word)
            if edits == 0 and not explicit:
                self.notes.append(
                    f'"{text}": too short to match loosely; searched "{word}" as a word.'
                )
            return Word(word, field_name, fuzzy=edits)
        return Word(text, field_name)


def fuzzy_edits(word: str) -> int:
    """Edits allowed by length, as Lucene's AUTO fuzziness: 0 up to 2 letters, 1 up to 5."""
    letters = sum(ch.isalnum() for ch in word)
    return 0 if letters < 3 else 1 if letters <= 5 else 2


def has_cjk(text: str) -> bool:
    """Han, Kana or Hangul in the text: one such character is a syllable or a word."""
    return _CJK.search(text) is not None


def _too_short_for_prefix(stem: str) -> bool:
    return not has_cjk(stem) and sum(ch.isalnum() for ch in stem) < MIN_PREFIX


def _join(kind: type[And] | type[Or], nodes: list[Node]) -> Node | None:
    if not nodes:
        return None
    return nodes[0] if len(nodes) == 1 else kind(tuple(nodes))


def _with_field(node: Node | None, name: str) -> Node | None:
    if node is None:
        return None
    if isinstance(node, Word):
        return replace(node, field=node.field or name)
    if isinstance(node, Not):
        return Not(_with_field(node.node, name))  # type: ignore[arg-type]
    return type(node)(tuple(_with_field(n, name) for n in node.nodes))  # type: ignore[misc]


def describe(node: Node | None) -> str:
    """How the query was read, in the query language itself."""
    if node is None:
        return ""
    if isinstance(node, Word):
        text = f'"{node.text}"' if node.phrase else node.text
        text += "*" if node.prefix else f"~{node.fuzzy}" if node.fuzzy else ""
        text += f"~{node.slop}" if node.slop else ""
        return f"{node.field}:{text}" if node.field else text
    if isinstance(node, Not):
        return f"-{describe(node.node)}"
    parts = [describe(n) for n in node.nodes]
    if isinstance(node, Or):
        return "(" + " OR ".join(parts) + ")"
    return " ".join(parts)


@dataclass
class Compiled:
    """The Whoosh query; the positive terms per field, which snippets highlight; the query
    as it was searched (`reading`) and notes on what was changed or capped; how much of the
    query a page must match (`matching`: "all" or "relaxed") and the looser queries left."""

    query: wq.Query
    terms: dict[str, set[str]] = field(default_factory=dict)
    reading: str = ""
    notes: tuple[str, ...] = ()
    matching: str = "all"
    looser: tuple[wq.Query, ...] = ()
    scope: str = "body"  # "chrome": the words were searched in the removed chrome

    def relaxed(self) -> Compiled | None:
        """The next, looser step of relaxed matching, or None when there is none."""
        if not self.looser:
            return None
        return replace(self, query=self.looser[0], looser=self.looser[1:], matching="relaxed")


def compile_query(
    text: str, reader: IndexReader, families: Iterable[str], scope: str | None = None
) -> Compiled:
    """Read and compile `text` against the family fields present in the index, in the
    page (`scope` "body", the default) or in its removed chrome ("chrome"); an `in:` in
    the query wins over `scope`. An empty query matches every document. Raises QueryError
    when nothing in a non-empty query is searchable (only symbols, `*`, `OR OR`, an empty
    phrase)."""
    reading = read(text)
    scope = reading.scope or scope or "body"
    if scope not in SCOPES:
        raise QueryError(f"in: takes {' or '.join(SCOPES)}, not {scope!r}.")
    if reading.node is None and (not text.strip() or reading.directives_only):
        return Compiled(wq.Every(), reading=_scoped("", scope), scope=scope)
    compiler = _Compiler(reader, tuple(families), scope)
    conjuncts = () if reading.node is None else _conjuncts(reading.node)
    parts = [(child, compiler.compile(child, negated=False)) for child in conjuncts]
    parts = [(child, part) for child, part in parts if part is not None]
    if not parts:
        shown = text.strip()
        shown = shown if len(shown) <= 80 else shown[:80] + "…"  # it may be 2,000 "("
        raise QueryError(
            f"Nothing to search for in “{shown}”: it has no words, only symbols or operators."
        )
    query, node = compiler.conjunction([part for _, part in parts])
    if isinstance(query, wq.Not):
        query = wq.And([wq.Every(), query])
    notes = tuple(dict.fromkeys((*reading.notes, *compiler.notes, *compiler.capped_notes())))
    compiled = Compiled(query, compiler.terms, _scoped(describe(node), scope), notes, scope=scope)
    if scope == "chrome":  # relaxed matching weighs body words; chrome lines are short
        return compiled
    return _with_relaxation(compiled, parts, compiler)


def _scoped(reading: str, scope: str) -> str:
    return f"in:chrome {reading}".strip() if scope == "chrome" else reading


def _conjuncts(node: Node) -> tuple[Node, ...]:
    return node.nodes if isinstance(node, And) else (node,)


def _is_plain(typed: Node, searched: Node) -> bool:
    """A word that relaxed matching may leave out: no quotes, field, `*`, `~` or minus."""
    return (
        isinstance(typed, Word)
        and isinstance(searched, Word)
        and not (typed.phrase or typed.field or typed.prefix or typed.fuzzy)
    )


def _with_relaxation(
    compiled: Compiled, parts: list[tuple[Node, tuple[wq.Query, Node]]], compiler: _Compiler
) -> Compiled:
    """The compiled query with stop words made optional and the looser steps added, when
    the query has plain words to relax."""
    plain = [node for node, (_, searched) in parts if _is_plain(node, searched)]
    if not plain:
        return compiled
    required = [query for node, (query, searched) in parts if not _is_plain(node, searched)]
    families = [compiler.plain_words(plain, family) for family in compiler.families]
    families = [f for f in families if f.words]
    terms = [f.terms() for f in families]
    if not any(t.stop for ts in terms for t in ts) and all(len(ts) < 2 for ts in terms):
        return compiled  # one term per family and no stop words: nothing to relax
    query = compiled.query
    if any(t.stop for ts in terms for t in ts):
        strict = [relax.strict(f) for f in families]
        strict = [q for q in strict if q is not None]
        query = relax.combine(required, strict) or query
    steps, looser = [], [query]
    for share in relax.RELAXED_SHARES:
        clauses = [relax.relaxed(compiler.reader, f, share) for f in families]
        step = relax.combine(required, [c for c in clauses if c is not None])
        if step is not None and step not in steps:
            steps.append(step)
            looser.append(relax.tiered(looser[-1], step))
    return replace(compiled, query=query, looser=tuple(looser[1:]))


class _Compiler:
    """Turns each node into a Whoosh query and the node as searched, or None when the node
    has nothing searchable (it is then dropped from the reading)."""

    def __init__(self, reader: IndexReader, families: tuple[str, ...], scope: str = "body") -> None:
        self.reader = reader
        self.schema: Schema = reader.schema
        self.families = families
        self.scope = scope
        self.terms: dict[str, set[str]] = {}
        self.notes: list[str] = []
        self.expanded_words = 0
        self.capped: dict[Word, int] = {}  # capped word -> most terms it matched in a field

    def compile(self, node: Node, negated: bool) -> tuple[wq.Query, Node] | None:
        if isinstance(node, Word):
            return self._word(node, negated)
        if isinstance(node, Not):
            inner = self.compile(node.node, not negated)
            return (wq.Not(inner[0]), Not(inner[1])) if inner is not None else None
        parts = [p for p in (self.compile(n, negated) for n in node.nodes) if p is not None]
        if not parts:
            return None
        if isinstance(node, And):
            return self.conjunction(parts)
        if len(parts) == 1:
            return parts[0]
        return wq.Or([q for q, _ in parts]), Or(tuple(n for _, n in parts))

    def conjunction(self, parts: list[tuple[wq.Query, Node]]) -> tuple[wq.Query, Node]:
        if len(parts) == 1:
            return parts[0]
        queries = [q for q, _ in parts]
        if all(isinstance(q, wq.Not) for q in queries):  # "-a -b" alone: everything except
            queries.insert(0, wq.Every())
        return wq.And(queries), And(tuple(n for _, n in parts))

    def plain_words(self, words: list[Word], family: str) -> relax.Family:
        """The plain words as `family`'s fields read them, for relaxed matching: each word's
        strict query there, and its terms, with stop words and Thai compounds marked."""
        title, body = title_field(family), body_field(family)
        analyzer = self.schema[body].analyzer
        own_script = script_of_family(family)
        found = []
        for word in words:
            # Whoosh reuses one Token object for every token: copy the values out.
            stems = [(t.text, t.script) for t in analyzer(word.text, mode="query")]
            surfaces = [t.text for t in analyzer(word.text, mode="query", no_morph=True)]
            if not stems or len(surfaces) != len(stems):
                continue
            terms = []
            for (stem, script), surface in zip(stems, surfaces, strict=True):
                lang = stopwords.language_for(family, script, own_script)
                stop = lang is not None and surface in stopwords.terms(family, lang)
                pieces = tuple(p for p, _, _ in thai.pieces(stem)) if script == THAI else ()
                terms.append(relax.Term(stem, stop, pieces))
            queries = [self._text_field(name, family, word, False) for name in (title, body)]
            queries = [q for q in queries if q is not None]
            query = queries[0] if len(queries) == 1 else wq.Or(queries)
            found.append(relax.PlainWord(query, tuple(terms)))
        return relax.Family(title, body, tuple(found))

    def _word(self, word: Word, negated: bool) -> tuple[wq.Query, Node] | None:
        if (word.prefix or word.fuzzy) and not self._may_expand(word):
            word = replace(word, prefix=False, fuzzy=0)
        if word.field in KEYWORD_FIELDS:
            return self._keyword(word), word
        if word.field == "title":
            fields = [(title_field(f), f) for f in self.families]
        elif self.scope == "chrome":
            fields = [(chrome_field(f), f) for f in self.families]
        else:
            fields = [(title_field(f), f) for f in self.families]
            fields += [(body_field(f), f) for f in self.families]
        per_field = []
        for name, family in fields:
            query = self._text_field(name, family, word, negated)
            if query is not None:
                per_field.append(query)
        if not per_field:
            if word.text.strip():
                self.notes.append(f'Ignored "{word.text}": it has no words, only symbols.')
            return None
        return (per_field[0] if len(per_field) == 1 else wq.Or(per_field)), word

    def _may_expand(self, word: Word) -> bool:
        self.expanded_words += 1
        if self.expanded_words <= MAX_EXPANDED_WORDS:
            return True
        self.notes.append(
            f"Only the first {MAX_EXPANDED_WORDS} prefix and fuzzy words were expanded; "
            "later ones were searched as written."
        )
        return False

    def _keyword(self, word: Word) -> wq.Query:
        value = word.text.lower() if word.field == "lang" else word.text
        if word.field == "site":
            value = sites.normalise(value) or value
        if word.prefix:
            found = expand_prefix(self.reader, word.field, value)
        elif word.fuzzy:
            found = expand_fuzzy(self.reader, word.field, {value}, word.fuzzy)
        else:
            return wq.Term(word.field, value)
        return self._any_of(word, word.field, value, found)

    def _text_field(self, name: str, family: str, word: Word, negated: bool) -> wq.Query | None:
        analyzer = self.schema[name].analyzer
        tokens = [t.text for t in analyzer(word.text, mode="query")]
        if not tokens:
            return None
        loose = word.prefix or word.fuzzy
        if not loose or (len(tokens) > 1 and family in BIGRAM_FAMILIES):
            query = _exact(name, tokens, word.phrase or family in BIGRAM_FAMILIES, word.slop)
            if not negated:
                self.terms.setdefault(name, set()).update(tokens)
            return query
        # Words before the last are matched exactly ("e-mai*" is e AND mai*).
        plain = [t.text for t in analyzer(word.text, mode="query", no_morph=True)]
        if word.prefix:
            found = expand_prefix(self.reader, name, plain[-1])
            stem = tokens[-1]
            if stem not in found.terms and self.reader.doc_frequency(name, stem):
                # The stem of the whole prefix ("abductions*" → abduct) is the word itself.
                found = Expansion((stem, *found.terms[: MAX_EXPANSIONS - 1]), found.matched + 1)
        else:
            found = expand_fuzzy(self.reader, name, {tokens[-1], plain[-1]}, word.fuzzy)
        if not negated:
            self.terms.setdefault(name, set()).update((*tokens[:-1], *found.terms))
        last = self._any_of(word, name, tokens[-1], found)
        return wq.And([*(wq.Term(name, t) for t in tokens[:-1]), last]) if len(tokens) > 1 else last

    def capped_notes(self) -> list[str]:
        return [
            f'"{describe(replace(word, field=None))}" matches {matched} words in a language; '
            f"searched the {'most frequent' if word.prefix else 'nearest'} {MAX_EXPANSIONS}."
            for word, matched in self.capped.items()
        ]

    def _any_of(self, word: Word, name: str, text: str, found: Expansion) -> wq.Query:
        if found.matched > MAX_EXPANSIONS:
            self.capped[word] = max(found.matched, self.capped.get(word, 0))
        if not found.terms:
            # Not NullQuery: Whoosh's And drops it instead of matching nothing. The term
            # itself is absent from the field, or the expansion would have found it.
            return wq.Term(name, text)
        terms = [wq.Term(name, t) for t in found.terms]
        return terms[0] if len(terms) == 1 else wq.Or(terms)


def _exact(name: str, tokens: list[str], adjacent: bool, slop: int = 0) -> wq.Query:
    """One term, a phrase (with `slop` other words allowed between two of its words:
    Whoosh's slop counts positions, 1 being adjacent) or an AND of the terms."""
    if len(tokens) == 1:
        return wq.Term(name, tokens[0])
    if adjacent:
        return wq.Phrase(name, tokens, slop=slop + 1)
    return wq.And([wq.Term(name, t) for t in tokens])


@dataclass(frozen=True)
class Expansion:
    """The index terms a prefix or fuzzy word stands for, and how many matched in all."""

    terms: tuple[str, ...]
    matched: int


def expand_prefix(reader: IndexReader, fieldname: str, prefix: str) -> Expansion:
    """The MAX_EXPANSIONS most frequent terms of the field that start with `prefix`."""
    decode = reader.schema[fieldname].from_bytes
    found = [(info.doc_frequency(), decode(t)) for t, info in reader.iter_prefix(fieldname, prefix)]
    top = heapq.nlargest(MAX_EXPANSIONS, found, key=lambda pair: (pair[0], -len(pair[1])))
    return Expansion(tuple(t for _, t in top), len(found))


def expand_fuzzy(reader: IndexReader, fieldname: str, texts: set[str], edits: int) -> Expansion:
    """The MAX_EXPANSIONS terms of the field nearest to any of `texts` (at most `edits`
    edits away, the first letter kept), then the most frequent."""
    found = {
        term: min(damerau_levenshtein(term, t) for t in texts)
        for text in texts
        for term in terms_within(reader, fieldname, text, edits)
    }
    ranked = sorted(found, key=lambda t: (found[t], -reader.doc_frequency(fieldname, t), t))
    return Expansion(tuple(ranked[:MAX_EXPANSIONS]), len(found))


def terms_within(reader: IndexReader, fieldname: str, text: str, edits: int) -> set[str]:
    """The field's terms at most `edits` (Levenshtein) edits from `text`, first letter kept.

    Segment by segment: a segment walks its term list with a Levenshtein automaton, while a
    multi-segment reader falls back to computing the distance to every term in Python.
    Keeping the first letter makes the walk far cheaper, and typos rarely hit it (Whoosh's
    FuzzyTerm default too)."""
    return {
        term
        for segment, _ in reader.leaf_readers()
        for term in segment.terms_within(fieldname, text, edits, prefix=1)
    }
