"""The query language: parse what the user typed, then compile it per language field.

Hand-written rather than Whoosh's QueryParser because one user field (`title:`, or
no field at all) must expand to every per-language field with that field's own
analyzer, and because Whoosh silently re-reads unknown fields and stray operators
in ways the user cannot see. Here the reading is lenient (unbalanced quotes and
parentheses are closed, unknown `field:` prefixes are read as words) and always
reported back as `parsed_query`.

Syntax: words are ANDed; "quoted phrases"; `-word` or `NOT word`; `a OR b` (binds
tighter than the implicit AND, as in web search engines); parentheses;
`title:`, `source:`, `lang:`, `year:` prefixes on a word, phrase or group.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from whoosh import query as wq
from whoosh.fields import Schema

from search.schema import body_field, title_field

MAX_QUERY_CHARS = 2_000
MAX_QUERY_TERMS = 64
KEYWORD_FIELDS = ("source", "lang", "year")
# Families analysed into character bigrams: a word's bigrams must be adjacent to mean
# the word (as Lucene's CJK analysis does), so a multi-token word becomes a phrase there.
BIGRAM_FAMILIES = ("ja", "ko")
FIELDS = ("title", *KEYWORD_FIELDS)


class QueryError(ValueError):
    """The query cannot be searched; the message is shown to the user as is."""


@dataclass(frozen=True)
class Word:
    text: str
    field: str | None = None
    phrase: bool = False


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

_TOKENS = re.compile(
    r"""(?P<space>\s+)
      | (?P<open>\()
      | (?P<close>\))
      | (?P<minus>-(?=[^\s)]))
      | (?P<field>[A-Za-z]+):(?=[^\s)])
      | (?P<phrase>"[^"]*"?)
      | (?P<word>[^\s()"]+)""",
    re.VERBOSE,
)


def parse(text: str) -> Node | None:
    """The query's syntax tree, or None for an empty query (which lists every document)."""
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"The query is longer than {MAX_QUERY_CHARS} characters.")
    tokens = [
        (m.lastgroup, m.group(m.lastgroup))
        for m in _TOKENS.finditer(text)
        if m.lastgroup != "space"
    ]
    if sum(kind in ("word", "phrase") for kind, _ in tokens) > MAX_QUERY_TERMS:
        raise QueryError(f"The query has more than {MAX_QUERY_TERMS} words.")
    return _Parser(tokens).parse()


class _Parser:
    """Recursive descent over the tokens; never fails, only reads leniently."""

    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.i = 0

    def parse(self) -> Node | None:
        nodes = []
        while self.i < len(self.tokens):
            node = self._and()
            if node is not None:
                nodes.append(node)
            if self._peek() == ("close", ")"):  # a stray ")" at the top level is ignored
                self.i += 1
        return _join(And, nodes)

    def _peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def _and(self) -> Node | None:
        nodes = []
        while (token := self._peek()) is not None and token[0] != "close":
            if token == ("word", "AND"):
                self.i += 1
                continue
            node = self._or()
            if node is not None:
                nodes.append(node)
        return _join(And, nodes)

    def _or(self) -> Node | None:
        nodes = [self._unary()]
        while self._peek() == ("word", "OR"):
            self.i += 1
            nodes.append(self._unary())
        return _join(Or, [n for n in nodes if n is not None])

    def _unary(self) -> Node | None:
        token = self._peek()
        if token is None or token[0] == "close":
            return None
        if token[0] == "minus" or token == ("word", "NOT"):
            self.i += 1
            node = self._unary()
            return Not(node) if node is not None else None
        if token in (("word", "OR"), ("word", "AND")):  # an operator with nothing before it
            self.i += 1
            return None
        return self._primary(None)

    def _primary(self, field_name: str | None) -> Node | None:
        kind, value = self.tokens[self.i]
        self.i += 1
        if kind == "field":
            name = value.lower()
            if name in FIELDS:
                return self._primary(name) if self._peek() else None
            return Word(f"{value}:", field_name)  # unknown field: read as a word
        if kind == "open":
            node = self._and()
            if self._peek() is not None:
                self.i += 1  # the matching ")"; a missing one is implied at the end
            return _with_field(node, field_name) if field_name else node
        if kind == "phrase":
            inner = value[1:-1] if len(value) > 1 and value.endswith('"') else value[1:]
            return Word(inner, field_name, phrase=True) if inner.strip() else None
        if kind == "minus":
            return self._primary(field_name) if self._peek() else None
        return Word(value, field_name)


def _join(kind: type[And] | type[Or], nodes: list[Node]) -> Node | None:
    if not nodes:
        return None
    return nodes[0] if len(nodes) == 1 else kind(tuple(nodes))


def _with_field(node: Node | None, name: str) -> Node | None:
    if node is None:
        return None
    if isinstance(node, Word):
        return Word(node.text, node.field or name, node.phrase)
    if isinstance(node, Not):
        return Not(_with_field(node.node, name))  # type: ignore[arg-type]
    return type(node)(tuple(_with_field(n, name) for n in node.nodes))  # type: ignore[misc]


def describe(node: Node | None) -> str:
    """How the query was read, in the query language itself."""
    if node is None:
        return ""
    if isinstance(node, Word):
        text = f'"{node.text}"' if node.phrase else node.text
        return f"{node.field}:{text}" if node.field else text
    if isinstance(node, Not):
        return f"-{describe(node.node)}"
    parts = [describe(n) for n in node.nodes]
    if isinstance(node, Or):
        return "(" + " OR ".join(parts) + ")"
    return " ".join(parts)


@dataclass
class Compiled:
    """The Whoosh query, and the positive terms per field, which snippets highlight."""

    query: wq.Query
    terms: dict[str, set[str]] = field(default_factory=dict)


def compile_query(node: Node | None, schema: Schema, families: Iterable[str]) -> Compiled:
    """Compile against the family fields present in the index. Raises QueryError when no
    part of the query is searchable (e.g. only punctuation or `*`)."""
    compiler = _Compiler(schema, tuple(families))
    if node is None:
        return Compiled(wq.Every())
    compiled = compiler.compile(node, negated=False)
    if compiled is None:
        raise QueryError(
            f'Nothing to search for in "{describe(node)}": it has no words, only symbols.'
        )
    if isinstance(compiled, wq.Not):
        compiled = wq.And([wq.Every(), compiled])
    return Compiled(compiled, compiler.terms)


class _Compiler:
    def __init__(self, schema: Schema, families: tuple[str, ...]) -> None:
        self.schema = schema
        self.families = families
        self.terms: dict[str, set[str]] = {}

    def compile(self, node: Node, negated: bool) -> wq.Query | None:
        if isinstance(node, Word):
            return self._word(node, negated)
        if isinstance(node, Not):
            inner = self.compile(node.node, not negated)
            return wq.Not(inner) if inner is not None else None
        parts = [q for q in (self.compile(n, negated) for n in node.nodes) if q is not None]
        if not parts:
            return None
        if len(parts) == 1:
            return parts[0]
        if isinstance(node, And):
            positive = [p for p in parts if not isinstance(p, wq.Not)]
            if not positive:  # "-a -b" alone: everything except
                parts.insert(0, wq.Every())
            return wq.And(parts)
        return wq.Or(parts)

    def _word(self, word: Word, negated: bool) -> wq.Query | None:
        if word.field in KEYWORD_FIELDS:
            value = word.text.lower() if word.field == "lang" else word.text
            return wq.Term(word.field, value)
        fields = [(title_field(f), f) for f in self.families]
        if word.field is None:
            fields += [(body_field(f), f) for f in self.families]
        per_field = []
        for name, family in fields:
            tokens = [t.text for t in self.schema[name].analyzer(word.text, mode="query")]
            if not tokens:
                continue
            if not negated:
                self.terms.setdefault(name, set()).update(tokens)
            if len(tokens) == 1:
                per_field.append(wq.Term(name, tokens[0]))
            elif word.phrase or family in BIGRAM_FAMILIES:
                per_field.append(wq.Phrase(name, tokens))
            else:
                per_field.append(wq.And([wq.Term(name, t) for t in tokens]))
        if not per_field:
            return None
        return per_field[0] if len(per_field) == 1 else wq.Or(per_field)
