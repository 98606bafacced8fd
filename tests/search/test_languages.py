"""A question typed in each of eleven languages finds the sentence that answers it first.

The pages go through the real pipeline (language detection included) and the engine, as in
bench/qa_retrieval.py: per language one page answers the question and two share some of its
words. None holds every word of the question, so the engine has to relax the query.
"""

from __future__ import annotations

import json

import pytest

from search.results import SearchRequest

# language: (question, answer, distractors)
PAGES = {
    "en": (
        "How many points did the Panthers defense allow?",
        "The Panthers defense gave up just 308 points during the regular season, ranking "
        "sixth in the league.",
        [
            "The Broncos offense scored many points in the second half of the final game of "
            "the season.",
            "The league announced that the final game would be played in California in February.",
        ],
    ),
    "es": (
        "¿Cuántos puntos permitió la defensa de los Panthers?",
        "La defensa de los Panthers solo permitió 308 puntos durante la temporada regular y "
        "terminó sexta en la liga.",
        [
            "El ataque de los Broncos anotó muchos puntos en la segunda mitad del último "
            "partido de la temporada.",
            "La liga anunció que el partido final se jugaría en California en el mes de febrero.",
        ],
    ),
    "de": (
        "Wie viele Punkte ließ die Verteidigung der Panthers zu?",
        "Die Verteidigung der Panthers ließ in der regulären Saison nur 308 Punkte zu und "
        "belegte damit den sechsten Platz der Liga.",
        [
            "Der Angriff der Broncos erzielte in der zweiten Hälfte des letzten Spiels der "
            "Saison viele Punkte.",
            "Die Liga gab bekannt, dass das Endspiel im Februar in Kalifornien ausgetragen wird.",
        ],
    ),
    "ru": (
        "Сколько очков пропустила защита «Пантерз»?",
        "Защита «Пантерз» пропустила всего 308 очков за регулярный сезон и заняла шестое "
        "место в лиге.",
        [
            "Нападение «Бронкос» набрало много очков во второй половине последней игры сезона.",
            "Лига объявила, что финальная игра пройдёт в Калифорнии в феврале следующего года.",
        ],
    ),
    "el": (
        "Πόσους πόντους δέχτηκε η άμυνα των Πάνθερς;",
        "Η άμυνα των Πάνθερς δέχτηκε μόνο 308 πόντους στην κανονική περίοδο και κατέλαβε την "
        "έκτη θέση στο πρωτάθλημα.",
        [
            "Η επίθεση των Μπρόνκος σημείωσε πολλούς πόντους στο δεύτερο μέρος του τελευταίου "
            "αγώνα της περιόδου.",
            "Το πρωτάθλημα ανακοίνωσε ότι ο τελικός αγώνας θα διεξαχθεί στην Καλιφόρνια τον "
            "Φεβρουάριο.",
        ],
    ),
    "tr": (
        "Panthers savunması normal sezonda kaç sayı yedi?",
        "Panthers savunmasının normal sezonda yediği sayı yalnızca 308 oldu ve takım ligde "
        "altıncı sırada yer aldı.",
        [
            "Broncos hücumu sezonun son maçının ikinci yarısında rakibine karşı çok sayı attı.",
            "Lig, final maçının şubat ayında Kaliforniya'daki büyük stadyumda oynanacağını "
            "açıkladı.",
        ],
    ),
    "ar": (
        "كم عدد النقاط التي سمح بها دفاع الفهود؟",
        "سمح دفاع فريق الفهود بـ 308 نقاط فقط خلال الموسم العادي واحتل المركز السادس في الدوري.",
        [
            "سجل هجوم فريق برونكو الكثير من الأهداف في الشوط الثاني من المباراة الأخيرة في الموسم.",
            "أعلن الدوري أن المباراة النهائية ستقام في كاليفورنيا في شهر فبراير من العام المقبل.",
        ],
    ),
    "hi": (
        "पैंथर्स की रक्षा ने कितने अंक दिए?",
        "पैंथर्स की रक्षा ने नियमित सत्र में केवल 308 अंक दिए और लीग में छठे स्थान पर रही।",
        [
            "ब्रोंकोस के आक्रमण ने सत्र के आखिरी मैच के दूसरे हाफ में कई अंक बनाए।",
            "लीग ने घोषणा की कि फाइनल मैच फरवरी में कैलिफोर्निया के बड़े स्टेडियम में खेला जाएगा।",
        ],
    ),
    "vi": (
        "Hàng phòng ngự của Panthers đã để thủng lưới bao nhiêu điểm?",
        "Hàng phòng ngự của Panthers chỉ để thủng lưới 308 điểm trong mùa giải chính thức "
        "và đứng thứ sáu trong giải đấu.",
        [
            "Hàng công của Broncos ghi được nhiều điểm trong hiệp hai của trận đấu cuối cùng "
            "của mùa giải.",
            "Giải đấu thông báo rằng trận chung kết sẽ diễn ra tại California vào tháng Hai.",
        ],
    ),
    "zh": (
        "黑豹队的防守丢了多少分？",
        "黑豹队的防守在常规赛中只丢了308分，在联赛中排名第六，同时以24次拦截领先联盟。",
        [
            "野马队的进攻在赛季最后一场比赛的下半场得了很多分，球迷们非常高兴。",
            "联盟宣布决赛将于二月在加利福尼亚州的一座大型体育场举行。",
        ],
    ),
    "th": (
        "ทีมรับของแพนเธอร์สเสียคะแนนไปเท่าไร",
        "ทีมรับของแพนเธอร์สเสียคะแนนเพียง 308 คะแนนในฤดูกาลปกติและอยู่อันดับที่หกของลีก",
        [
            "ทีมรุกของบรองโกส์ทำคะแนนได้มากในครึ่งหลังของเกมสุดท้ายของฤดูกาล",
            "ลีกประกาศว่าเกมนัดชิงชนะเลิศจะจัดขึ้นที่แคลิฟอร์เนียในเดือนกุมภาพันธ์",
        ],
    ),
}


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory):
    from indexer.write import build
    from search.engine import Engine

    corpus = tmp_path_factory.mktemp("languages-corpus")
    lines = []
    for lang, (_, answer, distractors) in PAGES.items():
        lines.append({"id": f"{lang}-answer", "text": answer})
        lines += [{"id": f"{lang}-other{i}", "text": t} for i, t in enumerate(distractors)]
    (corpus / "pages.jsonl").write_text(
        "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8"
    )
    index_dir = tmp_path_factory.mktemp("languages-index")
    report = build([corpus], index_dir)
    assert report.indexed == len(lines) and not report.failed
    return Engine(index_dir)


def external_ids(engine, results) -> list[str]:
    return [engine.document(hit.id)["external_id"] for hit in results.hits]


@pytest.mark.parametrize("lang", PAGES)
def test_the_pages_are_in_the_languages_intended(engine, lang):
    assert engine.search(SearchRequest(q=f"lang:{lang}")).total == 3


@pytest.mark.parametrize("lang", PAGES)
def test_a_question_finds_its_answer_first(engine, lang):
    question = PAGES[lang][0]
    results = engine.search(SearchRequest(q=question))
    assert results.matching == "relaxed"
    assert external_ids(engine, results)[0] == f"{lang}-answer"


@pytest.mark.parametrize(
    ("lang", "typed"),
    [
        ("vi", "hang phong ngu Panthers thung luoi bao nhieu diem"),  # no diacritics
        ("el", "ποσουσ ποντουσ δεχτηκε η αμυνα των πανθερσ"),  # no accents, σ for ς
        ("ar", "كَمْ عَدَدُ النِّقَاطِ الَّتِي سَمَحَ بِهَا دِفَاعُ الفُهُودِ"),  # with harakat
        ("th", "ทีม รับ ของ แพนเธอร์ส เสีย คะแนน ไป เท่าไร"),  # spaces between words
    ],
)
def test_a_question_typed_another_way_finds_the_same_answer(engine, lang, typed):
    assert external_ids(engine, engine.search(SearchRequest(q=typed)))[0] == f"{lang}-answer"
