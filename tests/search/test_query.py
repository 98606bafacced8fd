"""How the query language reads what users type, including what they get wrong."""

from __future__ import annotations

import pytest

from search.query import (
    MAX_DEPTH,
    MAX_QUERY_CHARS,
    MAX_QUERY_TERMS,
    MAX_TOKENS,
    MIN_PREFIX,
    And,
    Not,
    Or,
    Word,
    describe,
    parse,
    read,
)


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
        ("http://example.org", "http://example.org"),  # a URL, not a field named http
        ("-", "-"),
        ('""', ""),
        ('korea ""', "korea"),
        ("OR OR", ""),
        ("AND", ""),
        ("NOT", ""),
        ("korea -", "korea -"),  # "-" is a word of symbols: compile drops it
        ("*", "*"),
        ("((korea", "korea"),
        ("“north korea", '"north korea"'),
    ],
)
def test_lenient_reading(text, reading):
    assert describe(parse(text)) == reading


def test_empty_query_is_none():
    assert parse("") is None and parse("   ") is None


def test_limits_cut_the_query_and_say_so():
    # Issue 7 refines the first limits (a QueryError): a long query is searched by its
    # start, and the notes say what was left out.
    long_word = read("x" * 5000)
    assert long_word.node == Word("x" * MAX_QUERY_CHARS)
    assert long_word.notes == ("The query was cut to its first 2,000 characters.",)
    many = read(" ".join(f"w{i}" for i in range(100)))
    assert many.node == And(tuple(Word(f"w{i}") for i in range(MAX_QUERY_TERMS)))
    assert many.notes == (f"Only the first {MAX_QUERY_TERMS} words were searched.",)
    # Cut after a word, not inside one.
    words = read("abcdefghi " * 300)
    assert words.node.nodes[-1] == Word("abcdefghi") and len(words.node.nodes) == MAX_QUERY_TERMS


def test_deep_nesting_and_long_operator_chains_are_read_flat():
    assert read("(" * 500 + "a" + ")" * 500).node == Word("a")
    assert read("(" * 500 + "a" + ")" * 500).notes == (
        f"Parentheses nested deeper than {MAX_DEPTH} levels were ignored.",
    )
    assert parse("-" * 1500 + "a") == Word("a")  # negations cancel in pairs
    assert parse("-" * 1501 + "a") == Not(Word("a"))
    assert parse("NOT NOT NOT a") == Not(Word("a"))
    assert parse("title:" * 200 + "a") == Word("a", "title")
    chain = read("title:" * 300 + "a")  # the word comes after the last token read
    assert chain.node is None
    assert chain.notes == (f"Only the first {MAX_TOKENS} words and operators were read.",)


def test_chinese_and_japanese_quotes_make_phrases():
    assert parse("“北方的河流”") == Word("北方的河流", phrase=True)
    assert parse("「北の川」 -東京") == And((Word("北の川", phrase=True), Not(Word("東京"))))
    assert parse("（北方 OR 河流）") == Or((Word("北方"), Word("河流")))


def test_prefix_words():
    assert parse("abd*") == Word("abd", prefix=True)
    assert parse("title:abd*") == Word("abd", "title", prefix=True)
    assert parse("-abd*") == Not(Word("abd", prefix=True))
    assert parse("東*") == Word("東", prefix=True)  # one CJK character is enough
    assert parse("year:2*") == Word("2", "year", prefix=True)  # keyword fields: any length
    assert describe(parse("abd* OR koreaa~")) == "(abd* OR koreaa~2)"


def test_a_too_short_prefix_is_searched_as_a_word_and_says_so():
    reading = read("ab* korea")
    assert reading.node == And((Word("ab"), Word("korea")))
    assert len(reading.notes) == 1 and f"{MIN_PREFIX} letters" in reading.notes[0]


def test_fuzzy_words_allow_edits_by_length():
    assert parse("koreaa~") == Word("koreaa", fuzzy=2)
    assert parse("korea~") == Word("korea", fuzzy=1)
    assert parse("korea~2") == Word("korea", fuzzy=2)
    assert parse("korea~9") == Word("korea", fuzzy=2)  # never more than 2
    reading = read("ab~")
    assert reading.node == Word("ab") and "too short" in reading.notes[0]


@pytest.mark.parametrize("text", ["a*b", "*abc", "a~b", "~", "**", "korea~~"])
def test_other_uses_of_star_and_tilde_are_plain_words(text):
    assert parse(text) == Word(text)


def test_unknown_fields_are_dropped_with_a_note():
    reading = read("foo:korea title:japan")
    assert reading.node == And((Word("korea"), Word("japan", "title")))
    assert reading.notes == (
        'Unknown field "foo:" ignored; the fields are title:, source:, lang:, year:, site:, in:.',
    )
    assert read("Foo:(a b)").node == And((Word("a"), Word("b")))


def test_fields_are_case_insensitive():
    assert parse("TITLE:korea") == Word("korea", "title")
