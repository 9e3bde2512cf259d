"""Decoding scraped pages: encodings detected, garbage refused with a reason."""

from __future__ import annotations

import codecs
import os

import pytest

from archive.text.decode import DecodeError, decode_bytes

SIMPLIFIED = (
    "打好疫情防控战按下复产加速键\n时间:2020-03-31 07:00:57 来源: 作者:网络\n清溪镇一手抓防疫,一手抓复工复产。\n"
)
TRADITIONAL = (
    "精度、力度、溫度!福田推一攬子解決方案,為轄區經濟“輸氧”“供血”\n一如往年,這個冬天不太冷\n疫情的“凜冬”卻肆虐人間\n"
)


def seed_text(seeds_dir, name: str) -> str:
    return next(seeds_dir.glob(f"{name}_*.txt")).read_text(encoding="utf-8").replace("\xa0", " ")


@pytest.mark.parametrize(
    ("data", "expected_text", "expected_encoding"),
    [
        (SIMPLIFIED.encode("utf-8"), SIMPLIFIED, "utf-8"),
        (codecs.BOM_UTF8 + SIMPLIFIED.encode("utf-8"), SIMPLIFIED, "utf-8"),
        (SIMPLIFIED.encode("utf-16"), SIMPLIFIED, "utf-16"),
        (TRADITIONAL.encode("utf-16-be").join([codecs.BOM_UTF16_BE, b""]), TRADITIONAL, "utf-16"),
        (SIMPLIFIED.encode("gbk"), SIMPLIFIED, "gb18030"),
        (SIMPLIFIED.encode("gb2312"), SIMPLIFIED, "gb18030"),
        (TRADITIONAL.encode("big5"), TRADITIONAL, "big5"),
        (b"plain ASCII\n", "plain ASCII\n", "utf-8"),
        (b"", "", "utf-8"),
    ],
    ids=["utf8", "utf8-bom", "utf16-le-bom", "utf16-be-bom", "gbk", "gb2312", "big5", "ascii", "empty"],
)
def test_decode_detects_encoding(data: bytes, expected_text: str, expected_encoding: str) -> None:
    decoded = decode_bytes(data)
    assert decoded.text == expected_text
    assert decoded.encoding == expected_encoding


@pytest.mark.parametrize(
    ("seed", "encoding", "expected_encoding"),
    [
        ("002", "gbk", "gb18030"),
        ("004", "gbk", "gb18030"),
        ("003", "big5", "big5"),
        ("000", "gb18030", "gb18030"),
        ("001", "utf-16", "utf-16"),
    ],
)
def test_seed_pages_survive_a_legacy_encoding(seeds_dir, seed: str, encoding: str, expected_encoding: str) -> None:
    text = seed_text(seeds_dir, seed)
    decoded = decode_bytes(text.encode(encoding))
    assert decoded.text == text
    assert decoded.encoding == expected_encoding


@pytest.mark.parametrize(
    ("data", "expected_text"),
    [
        (b"one\r\ntwo\rthree\nfour", "one\ntwo\nthree\nfour"),
        ("第一\r\n第二\r第三".encode("gbk"), "第一\n第二\n第三"),
        (b"\r\n\r\n", "\n\n"),
    ],
)
def test_line_endings_become_newlines(data: bytes, expected_text: str) -> None:
    assert decode_bytes(data).text == expected_text


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00" + os.urandom(512), "NUL"),
        (bytes(range(1, 32)) * 40, "binary"),
        ("深圳新闻网报道疫情防控工作".encode().decode("latin-1").encode("utf-8"), "mojibake"),
        ("深圳新闻网报道疫情防控工作".encode().decode("cp1252", errors="replace").encode("utf-8"), "mojibake"),
        (bytes(range(128, 256)) * 8, "undecodable"),
        (b"text with a NUL\x00inside", "NUL"),
    ],
    ids=["png", "control-bytes", "latin1-mojibake", "cp1252-mojibake", "high-bytes", "nul-in-utf8"],
)
def test_unreadable_input_is_a_clear_error(data: bytes, reason: str) -> None:
    with pytest.raises(DecodeError, match=reason):
        decode_bytes(data)
