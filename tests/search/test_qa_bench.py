"""bench/qa_retrieval.py: which sentence answers a question, and the baselines' rankings."""

from __future__ import annotations

import json

import pytest

from bench import qa_retrieval

CONTEXT = "Paris is the capital of France. Berlin is the capital of Germany."
DATA = {
    "version": "1.1",
    "data": [
        {
            "title": "Capitals",
            "paragraphs": [
                {
                    "context": CONTEXT,
                    "sentences": [
                        "Paris is the capital of France.",
                        "Berlin is the capital of Germany.",
                    ],
                    "sentence_breaks": [[0, 31], [32, 65]],
                    "qas": [
                        {
                            "id": "q1",
                            "question": "What is the capital of Germany?",
                            "answers": [
                                {"answer_start": CONTEXT.index("Berlin"), "text": "Berlin"}
                            ],
                        },
                        {
                            "id": "q2",
                            "question": "Which city is the capital of France?",
                            "answers": [{"answer_start": 0, "text": "Paris"}],
                        },
                    ],
                }
            ],
        }
    ],
}


@pytest.fixture
def dataset(tmp_path):
    path = tmp_path / "en.json"
    path.write_text(json.dumps(DATA), encoding="utf-8")
    return qa_retrieval.load(path)


def test_the_relevant_sentence_is_the_one_holding_the_answer(dataset):
    assert dataset.lang == "en"
    assert dataset.sentences == {
        "0-0-0": DATA["data"][0]["paragraphs"][0]["sentences"][0],
        "0-0-1": DATA["data"][0]["paragraphs"][0]["sentences"][1],
    }
    assert [q.relevant for q in dataset.questions] == ["0-0-1", "0-0-0"]


def test_fts5_ranks_by_the_question_tokens_joined_with_or(dataset):
    search = qa_retrieval.fts5(dataset)
    assert search("What is the capital of Germany?")[0] == "0-0-1"
    assert qa_retrieval.evaluate(dataset, search) == (1.0, 1.0)


def test_bm25_over_whitespace_tokens(dataset):
    pytest.importorskip("rank_bm25")  # the bench extra
    search = qa_retrieval.bm25(dataset)
    assert search("Which city is the capital of France?")[0] == "0-0-0"
    assert search("nothing matches") == []


def test_whitespace_tokens_lose_only_edge_punctuation():
    assert qa_retrieval.whitespace_tokens("¿Cuántos puntos? l'état 3.5") == [
        "cuántos",
        "puntos",
        "l'état",
        "3.5",
    ]
