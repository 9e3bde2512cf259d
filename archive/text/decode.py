"""Bytes → text: detect the encoding of a scraped page and refuse what is not text.

Order of attempts: a byte-order mark (UTF-8, UTF-16, UTF-32), strict UTF-8, then
the Chinese legacy encodings (GB18030, a superset of GB2312/GBK, and Big5),
chosen by charset-normalizer's coherence measure. Line endings come out as "\\n".
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

import charset_normalizer

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Legacy encodings we accept; charset-normalizer names them differently at times.
_CANDIDATES = ("gb18030", "big5")
_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "cp936": "gb18030", "big5hkscs": "big5", "cp950": "big5"}

# Control characters other than tab, line feed, form feed and carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_MAX_CONTROL_RATIO = 0.01
_MAX_CHAOS = 0.35
# Typical lead characters of UTF-8 Chinese read as Latin-1/cp1252 ("æ·±åœ³").
_MOJIBAKE = re.compile(
    r"[\u00c2-\u00ef]"
    r"[\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]"
)


class DecodeError(ValueError):
    """The bytes are not text we can read; the message says why (the caller adds the file name)."""


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def decode_bytes(data: bytes) -> Decoded:
    """Decode a page of unknown encoding; raise DecodeError for binary or garbled input."""
    if not data:
        return Decoded(text="", encoding="utf-8")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise DecodeError(f"starts with a {encoding} byte-order mark but is not valid {encoding}") from exc
            return _checked(text, encoding="utf-8" if encoding == "utf-8-sig" else encoding)
    if b"\x00" in data:
        raise DecodeError("contains NUL bytes: a binary file, or UTF-16 without a byte-order mark")
    _refuse_binary(data)
    try:
        return _checked(data.decode("utf-8"), encoding="utf-8")
    except UnicodeDecodeError:
        pass
    text, encoding = _decode_legacy(data)
    return _checked(text, encoding=encoding)


def _decode_legacy(data: bytes) -> tuple[str, str]:
    matches = charset_normalizer.from_bytes(data, cp_isolation=list(_CANDIDATES))
    best = matches.best()
    if best is None:
        raise DecodeError("not valid UTF-8, GB18030 or Big5 text (undecodable bytes)")
    encoding = _ALIASES.get(best.encoding, best.encoding)
    if encoding not in _CANDIDATES:
        raise DecodeError(f"unsupported encoding detected: {best.encoding}")
    if best.chaos > _MAX_CHAOS:
        raise DecodeError(f"decodes as {encoding} only as garbled text (mojibake)")
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise DecodeError(f"not valid {encoding} text") from exc
    return text, encoding


def _refuse_binary(data: bytes) -> None:
    sample = data[:65536].decode("latin-1")
    controls = len(_CONTROL.findall(sample))
    if controls and controls / len(sample) > _MAX_CONTROL_RATIO:
        raise DecodeError(f"looks like a binary file ({controls} control bytes in the first {len(sample)})")


def _checked(text: str, *, encoding: str) -> Decoded:
    text = normalise_newlines(text)
    if "\x00" in text:
        raise DecodeError(f"contains NUL characters after decoding as {encoding}")
    replacements = text.count("\ufffd")
    if replacements >= 3:
        raise DecodeError(f"contains {replacements} replacement characters (U+FFFD): the text is already garbled")
    if _is_mojibake(text):
        raise DecodeError("looks like mojibake: UTF-8 text that was once decoded as Latin-1/cp1252")
    controls = len(_CONTROL.findall(text))
    if controls and controls / len(text) > _MAX_CONTROL_RATIO:
        raise DecodeError(f"looks like a binary file ({controls} control characters after decoding as {encoding})")
    return Decoded(text=text, encoding=encoding)


def _is_mojibake(text: str) -> bool:
    hits = _MOJIBAKE.findall(text)
    if len(hits) < 3:
        return False
    for encoding in ("cp1252", "latin-1"):
        try:
            text.encode(encoding, errors="ignore").decode("utf-8")
        except UnicodeDecodeError:
            continue
        return True
    return len(hits) >= 10 and len(hits) * 20 > len(text)
