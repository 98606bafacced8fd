"""indexer.repair: mojibake and lost Shift_JIS lead bytes, on real inputs."""

from pathlib import Path

import pytest
import regex

from indexer.model import Block, Page, RawRecord
from indexer.repair import repair, repair_text

CORPUS = Path(__file__).parents[2] / "corpus"
SEED_000 = (CORPUS / "000_1c7ac56f2435c2b8.txt").read_text(encoding="utf-8")

CLEAN_ENGLISH = """\
The chefs checked the roofs while the graphs showed steady growth in sales.
That was enough for a high score, though half the staff had gone home with the golf clubs.
If you want to know more, ask the staff yourself; each of them speaks English well.
Self checkout is fine for much of the menu; the beach bar opens at 5 pm on the 14th.
The site is built from the gh-pages branch, with each page checked by hand.
"""
ORDINARY = [
    "chefs", "roofs", "graphs", "growth", "enough", "high", "half", "staff", "gone",
    "with", "golf", "If", "of", "yourself", "each", "English", "Self", "much", "beach", "14th",
    "gh-pages",
]  # fmt: skip


def page_of(text: str) -> Page:
    record = RawRecord(
        id="t", path="x.txt", root="/", relpath="x.txt", record=None, data=b"", kind="text"
    )
    blocks = tuple(Block(line) for line in text.splitlines() if line.strip())
    return Page(record=record, blocks=blocks, encoding="utf-8")


def text_of(page: Page) -> str:
    return "\n".join(block.text for block in page.blocks)


def count(word: str, text: str) -> int:
    return len(regex.findall(rf"(?<![\w-]){regex.escape(word)}(?![\w-])", text))


# --- lost Shift_JIS lead bytes: the user's sample page ------------------------------


def test_seed_000_gets_its_quotes_and_apostrophes_back():
    text = text_of(repair(page_of(SEED_000)))

    assert text.count("“Group of Seven Individuals”") == 2
    for phrase in ["“Twitter”", "“one-click donation”", "Let’s", "don’t", "Yokota’s", "Megumi’s"]:
        assert phrase in text, phrase
    for damage in ["gTwitterh", "donft", "Letfs", "Yokotafs", "Megumifs", "gGroup", "donationh"]:
        assert damage not in text, damage
    assert "Megumi's story" in text  # the one apostrophe that survived is left as it was


def test_seed_000_keeps_its_ordinary_words():
    text = text_of(repair(page_of(SEED_000)))

    words = ["with", "much", "reach", "watch", "anguish", "North", "Although", "if", "of",
             "generations", "globe", "government", "girl", "grave", "even", "every", "23th",
             "14th"]  # fmt: skip
    for word in words:
        assert count(word, text) == count(word, SEED_000) > 0, word


def test_seed_000_records_what_was_restored():
    repaired = repair(page_of(SEED_000))

    [note] = repaired.repairs
    assert note.startswith("shift_jis lost lead bytes: ")
    assert "quotes/apostrophes restored" in note
    assert "→" in note


def test_clean_english_is_left_alone():
    page = page_of(CLEAN_ENGLISH)

    repaired = repair(page)

    assert repaired.blocks == page.blocks
    assert repaired.repairs == ()


def test_ordinary_words_survive_inside_a_damaged_page():
    damaged = SEED_000 + "\n" + CLEAN_ENGLISH
    clean_blocks = page_of(CLEAN_ENGLISH).blocks

    repaired = repair(page_of(damaged))

    assert "don’t" in text_of(repaired)  # the page is still repaired
    assert repaired.blocks[-len(clean_blocks) :] == clean_blocks
    for word in ORDINARY:
        assert count(word, text_of(repaired)) == count(word, damaged) > 0, word


def test_one_stray_hit_is_not_enough_evidence():
    text = CLEAN_ENGLISH + "The old sign said donft touch.\n"

    assert repair_text(text) == (text, [])


def test_damaged_sentences_beside_ordinary_look_alikes():
    text = (
        "I donft know why, but Letfs try the gTwitterh thing with friends.\n"
        "(gHello,h he said, gone with the wind.) The growth was high on the 23th.\n"
        "Run git add src/node_version.h and push to gh-pages.\n"
    )

    fixed, notes = repair_text(text)

    assert fixed == (
        "I don’t know why, but Let’s try the “Twitter” thing with friends.\n"
        "(“Hello,” he said, gone with the wind.) The growth was high on the 23th.\n"
        "Run git add src/node_version.h and push to gh-pages.\n"
    )
    assert len(notes) == 1


def test_single_quotes_need_both_ends_damaged():
    text = "Letfs go. I donft mind the eBig Applef, but eBay sells golf gear.\n"

    fixed, _ = repair_text(text)

    assert fixed == "Let’s go. I don’t mind the ‘Big Apple’, but eBay sells golf gear.\n"


def test_non_english_text_is_not_taken_for_lost_lead_bytes():
    vietnamese = (
        "10.Chùm bài Công an nhân dân học tập làm theo tấm gương đạo đức Hồ Chí Minh - tác giả "
        "Anh Hiếu đăng Báo Công an nhân dân.\n"
        "“Cần có thời gian để thay đổi cách giáo dục các em học sinh cấp 2, 3 để phù hợp với "
        "phương án vì học sinh của chúng ta học khá lệch.\n"
    )

    assert repair_text(vietnamese) == (vietnamese, [])


# --- ftfy ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("broken", "fixed"),
    [("â€œquotedâ€\x9d", "“quoted”"), ("Ã©tÃ©", "été"), ("l\x92Ecole", "l’Ecole")],
)
def test_mojibake_is_fixed_and_recorded(broken, fixed):
    repaired = repair(page_of(f"Il a dit {broken} hier."))

    assert text_of(repaired) == f"Il a dit {fixed} hier."
    [note] = repaired.repairs
    assert note.startswith("ftfy: ")


def test_curly_quotes_stay_curly():
    text = "She said “don’t” and left."

    assert repair_text(text) == (text, [])


def test_chinese_passes_through_unchanged():
    text = "北京大学（Peking University）成立于1898年，是中国第一所国立综合性大学！“兼容并包”。"

    assert repair_text(text) == (text, [])
    page = page_of(text)
    assert repair(page) == page


# --- the Page ------------------------------------------------------------------------


def test_repair_keeps_blocks_apart_and_their_other_fields():
    page = page_of(SEED_000)
    pre = Block("Letfs\ngo", tag="pre", link_density=0.5)
    page = Page(record=page.record, blocks=(pre, *page.blocks), encoding="shift_jis")

    repaired = repair(page)

    assert len(repaired.blocks) == len(page.blocks)
    assert repaired.blocks[0] == Block("Let’s\ngo", tag="pre", link_density=0.5)
    assert repaired.encoding == "shift_jis"
    assert repaired.record is page.record


def test_repairs_are_appended_to_earlier_ones():
    page = page_of("Ã©tÃ©")
    page = Page(record=page.record, blocks=page.blocks, encoding="utf-8", repairs=("earlier",))

    assert repair(page).repairs[0] == "earlier"
    assert len(repair(page).repairs) == 2
