"""Decoding crawled bytes: every legacy encoding reads back to the words it holds."""

from __future__ import annotations

import pytest

from indexer.decode import MAX_TEXT_CHARS, DecodeError, decode, decode_bytes
from indexer.model import RawRecord

ZH = "渔民和厨师们从沿海的每个村庄赶来参加港口节，节日持续了整整三天。人们在码头上唱歌跳舞。"
ZH_HANT = "漁民和廚師們從沿海的每個村莊趕來參加港口節，節日持續了整整三天。人們在碼頭上唱歌跳舞。"
JA = "漁師と料理人が海沿いの村から港祭りにやって来た。祭りはまる三日間続いた。"
KO = "어부들과 요리사들이 해안을 따라 모든 마을에서 항구 축제에 왔다."
EN = "The harbour festival drew fishermen and cooks from every village along the coast. "
FR = "Café déjà vu — « naïve » résumé de la façade, “smart quotes” à l’œil."
CS = "Příliš žluťoučký kůň úpěl ďábelské ódy. Český jazyk je krásný."
RU = "Рыбаки и повара из каждой деревни на побережье приехали на праздник гавани."


@pytest.mark.parametrize(("encoding", "text"), [
    ("gb18030", ZH), ("gbk", ZH[:12]), ("big5", ZH_HANT), ("shift_jis", JA), ("euc-jp", JA),
    ("euc-kr", KO), ("utf-16", ZH), ("utf-16-le", ZH), ("utf-16-be", JA), ("utf-16-le", EN * 3),
    ("utf-16-be", EN * 3), ("utf-8", ZH), ("utf-8-sig", JA), ("cp1252", FR), ("cp1250", CS),
    ("koi8-r", RU), ("cp1251", RU),
])  # fmt: skip
def test_legacy_encodings_read_back_exactly(encoding, text):
    decoded, _ = decode_bytes(text.encode(encoding))
    assert decoded.lstrip("\ufeff") == text


def test_a_declared_charset_is_honoured():
    html = f"<html><head><meta charset='gbk'></head><body><p>{ZH}</p></body></html>"
    page = decode(RawRecord("t", "x.html", "/", "x.html", None, html.encode("gbk"), "html"))
    assert page.encoding == "gb18030" and ZH in page.blocks[0].text


def test_broken_utf8_keeps_its_good_text():
    decoded, encoding = decode_bytes(EN.encode() + b"\xff\xfe\xc3 " + ZH.encode())
    assert encoding == "utf-8" and EN.strip() in decoded and ZH in decoded


@pytest.mark.parametrize("data", [
    bytes(range(256)) * 64, b"\x00" * 100, b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8,
])  # fmt: skip
def test_binary_data_is_refused_with_a_reason(data):
    with pytest.raises(DecodeError, match="binary"):
        decode_bytes(data)


def test_a_huge_page_is_cut_and_says_so():
    data = (EN * 80 + "\n").encode() * 800  # ~5 MB
    page = decode(RawRecord("t", "big.txt", "/", "big.txt", None, data, "text"))
    assert page.truncated
    assert sum(len(b.text) for b in page.blocks) <= MAX_TEXT_CHARS


def test_deeply_nested_html_and_scripts():
    html = "<div>" * 20_000 + "<p>Deep harbour text.</p>" + "</div>" * 20_000
    html += "<script>alert('x')</script><style>p{color:red}</style><p>After the script.</p>"
    page = decode(RawRecord("t", "x.html", "/", "x.html", None, html.encode(), "html"))
    texts = [b.text for b in page.blocks]
    assert "Deep harbour text." in texts and "After the script." in texts
    assert not any("alert" in t or "color:red" in t for t in texts)
