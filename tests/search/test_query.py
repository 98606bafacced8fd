"""How the query language reads what users type, including what they get wrong."""

from __future__ import annotations

import pytest

from search.query import And, Not, Or, QueryError, Word, describe, parse


def test_words_are_anded():
    assert parse("north korea") == And((Word("north"), Word("korea")))


def test_or_binds_tighter_than_the_implicit_and():
    assert parse("a b OR c") == And((Word("a"), Or((Word("b"), Word("c")))))


def test_phrase_negation_and_fields():
    assert parse('"north korea" -japan title:talks') == And(
        (Word("north korea", phrase=True), Not(Word("japan")), Word("talks", "title"))
    )
    assert parse("NOT japan") == Not(Word("japan"))
    assert parse('title:"secret talks"') == Word("secret talks", "title", phrase=True)
    assert parse("source:(a OR b)") == Or((Word("a", "source"), Word("b", "source")))


def test_hyphenated_words_are_not_negations():
    assert parse("one-click") == Word("one-click")


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        ('"north korea', '"north korea"'),
        ("(north korea", "north korea"),
        ("north) korea", "north korea"),
        ("OR korea", "korea"),
        ("korea OR", "korea"),
        ("http://example.org", "http: //example.org"),
        ("-", "-"),
        ('""', ""),
    ],
)
def test_lenient_reading(text, reading):
    assert describe(parse(text)) == reading


def test_empty_query_is_none():
    assert parse("") is None and parse("   ") is None


def test_limits():
    with pytest.raises(QueryError):
        parse("x" * 5000)
    with pytest.raises(QueryError):
        parse(" ".join(["w"] * 100))
