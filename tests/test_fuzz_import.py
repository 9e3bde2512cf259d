"""Property-based tests of the importer under hostile and broken input.

Every file either imports whole, is skipped with a warning, or fails with one
clear line naming the reason; no traceback, no half-written article, and the
good files beside a bad one still import. The importer (archive.importing) is called
directly, on files in a temporary directory.
"""

from __future__ import annotations

import codecs
import itertools
import os
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from archive.importing import FAILED, IMPORTED, SKIPPED, UPDATED, FileResult, import_file, import_paths
from archive.importing.prepare import log as import_log
from archive.models import Article, Paragraph
from archive.text.decode import DecodeError
from archive.text.formats import parse_file
from archive.text.pipeline import parse_page

pytestmark = pytest.mark.django_db

# FUZZ_EXAMPLES=2000 for a long hunt by hand; the suite keeps a fixed budget.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "60"))
FUZZ = hsettings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
_names = itertools.count()

GOOD = "深圳市复工复产 疫情防控\nShenzhen resumes work and production.\n復工復產 寶安區\n"

# Text in every script the archive meets, and some it does not.
ALPHABETS = st.sampled_from(
    [
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ,.;:!?'\"-()",
        "深圳市新冠肺炎疫情防控复工复产口罩华强北东莞宝安区街道企业的了和是在",
        "復工復產寶安東莞區臺灣華強北醫護檢測條例與為國體後發",
        "，。、；：！？「」『』（）【】《》“”‘’—…·",
        "αβγδ абвгд אבגד عربي हिन्दी ไทย 한국어 日本語のかなカナ",
        "\u200b\u200d\ufeff\u00a0\u3000\t \u2028\u2029\u0301\u202e",
        "<>&\"'/=;:script alert onerror img src javascript",
        "🦠😷🏥👩‍⚕️🇨🇳",
    ]
)


@st.composite
def mixed_text(draw, max_lines: int = 12) -> str:
    lines = []
    for _ in range(draw(st.integers(min_value=0, max_value=max_lines))):
        alphabet = draw(ALPHABETS)
        lines.append(draw(st.text(alphabet=alphabet, max_size=80)))
    return "\n".join(lines)


ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-32", "gb18030", "big5", "cp1252", "latin-1"]


def write(tmp_path: Path, data: bytes, *, suffix: str = ".txt") -> tuple[Path, str]:
    name = f"fuzz-{next(_names)}{suffix}"
    path = tmp_path / name
    path.write_bytes(data)
    return path, name


def assert_clean_outcome(path: Path, name: str) -> FileResult:
    """Import one file and check the importer's promises for whatever came out."""
    with mock.patch.object(import_log, "exception") as unexpected:
        result = import_file(path=path, source_file=name)
    assert not unexpected.called, f"unexpected exception while importing: {result.message}"
    assert result.outcome in (IMPORTED, UPDATED, FAILED, SKIPPED)
    if result.outcome in (FAILED, SKIPPED):
        assert result.message and "\n" not in result.message and "Traceback" not in result.message
        if result.outcome == FAILED:
            assert not Article.objects.filter(source_file=name).exists()
            assert not Paragraph.objects.filter(article__source_file=name).exists()
    else:
        article = Article.objects.get(source_file=name)
        expected = parse_file(path.read_bytes(), name=path.name)  # .html pages go through trafilatura
        assert article.paragraphs.count() == len(expected.paragraphs)
        assert len(article.title) <= 500
    return result


def parse_or_refuse(data: bytes) -> None:
    """The pure pipeline raises DecodeError or nothing."""
    try:
        parse_page(data)
    except DecodeError as exc:
        assert str(exc) and "\n" not in str(exc)


@FUZZ
@given(data=st.binary(max_size=4096))
@example(data=b"\x00")
@example(data=b"\xff\xfe")  # a UTF-16 byte-order mark and nothing else
@example(data=b"\xff\xfe\x00")  # odd length after the mark
@example(data=b"\xef\xbb\xbf")  # a UTF-8 byte-order mark and nothing else
@example(data=b"\x00\x00\xfe\xff\x00\x00\x00")
@example(data=b"\r\r\r\n\x0c\x0b")
def test_random_bytes_never_crash(tmp_path, data):
    parse_or_refuse(data)
    assert_clean_outcome(*write(tmp_path, data))


@FUZZ
@given(text=mixed_text(), encoding=st.sampled_from(ENCODINGS))
@example(text="Café résumé — “naïve” façade costs €100\nSecond line", encoding="cp1252")
@example(text="深圳市新冠肺炎疫情防控\n复工复产", encoding="gb18030")
@example(text="深圳市新冠肺炎疫情防控\n復工復產", encoding="big5")
@example(text="深圳 hello\n第二行", encoding="utf-16")
@example(text="\u202e\u200b\ufeff", encoding="utf-8")
def test_mixed_scripts_in_any_encoding(tmp_path, text, encoding):
    data = text.encode(encoding, errors="replace")
    parse_or_refuse(data)
    assert_clean_outcome(*write(tmp_path, data))


@FUZZ
@given(
    before=mixed_text(max_lines=3),
    junk=st.binary(min_size=1, max_size=8).filter(lambda b: not _is_utf8(b)),
    after=mixed_text(max_lines=3),
)
@example(before="深圳市新冠肺炎", junk=b"\xff\xfe\x80", after="疫情防控")
@example(before="abc", junk=b"\xed\xa0\x80", after="def")  # an encoded lone surrogate
@example(before="", junk=b"\xc3", after="")  # a truncated sequence
def test_invalid_utf8_inside_valid_utf8(tmp_path, before, junk, after):
    data = before.encode() + junk + after.encode()
    parse_or_refuse(data)
    assert_clean_outcome(*write(tmp_path, data))


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@FUZZ
@given(text=mixed_text(max_lines=4), at=st.integers(min_value=0), count=st.integers(min_value=1, max_value=4))
@example(text="hello world", at=5, count=1)
@example(text="\ufeffa", at=1, count=1)  # a NUL inside a UTF-8 byte-order mark: refused for the mark
def test_nul_bytes_are_refused_with_a_message(tmp_path, text, at, count):
    encoded = text.encode()
    at %= len(encoded) + 1
    data = encoded[:at] + b"\x00" * count + encoded[at:]
    path, name = write(tmp_path, data)
    result = assert_clean_outcome(path, name)
    assert result.outcome == FAILED
    assert "NUL" in result.message or "byte-order mark" in result.message


@hsettings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    unit=st.sampled_from(["深圳市复工复产。", "Shenzhen resumes work. ", "寶安區復工。", "口罩 mask "]),
    repeat=st.integers(min_value=20_000, max_value=120_000),
    lines=st.integers(min_value=1, max_value=3),
)
def test_huge_paragraphs_import_whole(tmp_path, unit, repeat, lines):
    data = "\n".join([unit * repeat] * lines).encode()
    path, name = write(tmp_path, data)
    result = assert_clean_outcome(path, name)
    assert result.outcome == IMPORTED
    assert Article.objects.get(source_file=name).paragraphs.count() == lines


HTML_PAGES = st.sampled_from(
    [
        "<!DOCTYPE html><html><head><title>疫情</title><script>alert(1)</script></head><body><p>复工</p></body></html>",
        '<html><body onload="alert(1)"><div><a href="javascript:alert(1)">x</a></div>\n<p>深圳</p></body></html>',
        "<p>" * 5000,
        '<meta charset="gb2312"><p>深圳</p>',
    ]
)


@FUZZ
@given(page=HTML_PAGES, encoding=st.sampled_from(["utf-8", "gb18030", "utf-16"]))
def test_html_instead_of_text(tmp_path, page, encoding):
    parse_or_refuse(page.encode(encoding))
    assert_clean_outcome(*write(tmp_path, page.encode(encoding), suffix=".html"))


def test_ten_megabyte_file_imports(tmp_path):
    line = ("深圳市复工复产，企业有序恢复生产。Shenzhen resumes work. " * 40) + "\n"
    data = (line * (10 * 1024 * 1024 // len(line.encode()) + 1)).encode()
    assert len(data) >= 10 * 1024 * 1024
    path, name = write(tmp_path, data)
    result = assert_clean_outcome(path, name)
    assert result.outcome == IMPORTED


def test_files_over_the_limit_are_refused_with_a_message(tmp_path, settings):
    settings.ARCHIVE_MAX_IMPORT_BYTES = 1000
    path, name = write(tmp_path, GOOD.encode() * 100)
    result = assert_clean_outcome(path, name)
    assert result.outcome == FAILED
    assert "too large" in result.message and "ARCHIVE_MAX_IMPORT_BYTES" in result.message


def test_failed_save_leaves_no_partial_article(tmp_path):
    """A failure after the Article row is written rolls the whole file back."""
    path, name = write(tmp_path, GOOD.encode())
    with mock.patch("archive.importing.writing.insert_paragraphs", side_effect=RuntimeError("disk full")):
        result = import_file(path=path, source_file=name)
    assert result.outcome == FAILED
    assert "\n" not in result.message
    assert not Article.objects.filter(source_file=name).exists()
    assert Paragraph.objects.count() == 0


def test_failed_update_keeps_the_previous_version(tmp_path):
    path, name = write(tmp_path, GOOD.encode())
    assert import_file(path=path, source_file=name).outcome == IMPORTED
    before = list(Article.objects.get(source_file=name).paragraphs.values_list("text", flat=True))
    path.write_bytes(GOOD.encode() + "新的一行\n".encode())
    with mock.patch("archive.importing.writing.insert_paragraphs", side_effect=RuntimeError("disk full")):
        assert import_file(path=path, source_file=name).outcome == FAILED
    after = list(Article.objects.get(source_file=name).paragraphs.values_list("text", flat=True))
    assert after == before


BAD_FILES = st.lists(
    st.one_of(
        st.binary(min_size=1, max_size=512).map(lambda b: b"ab\x00" + b),
        st.just(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4),
        st.just("Café résumé".encode("cp1252") + b"\x81\x8d\x8f\x90\x9d" * 3),
        st.just(codecs.BOM_UTF8 + b"\xff\xfe\xfd"),
    ),
    min_size=1,
    max_size=4,
)


@hsettings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(bad=BAD_FILES, good=st.lists(mixed_text(max_lines=4).filter(lambda t: t.strip()), min_size=1, max_size=3))
def test_good_files_beside_bad_ones_import(tmp_path_factory, bad, good):
    directory = tmp_path_factory.mktemp("mixed")
    for index, data in enumerate(bad):
        (directory / f"bad-{index}.txt").write_bytes(data)
    for index, text in enumerate(good):
        (directory / f"good-{index}.txt").write_text(GOOD + text, encoding="utf-8")
    with mock.patch.object(import_log, "exception") as unexpected:
        report = import_paths(paths=[directory], root=directory)
    assert not unexpected.called
    outcomes = {result.source_file: result for result in report.results}
    for index in range(len(bad)):
        result = outcomes[f"bad-{index}.txt"]
        assert result.outcome == FAILED, result
        assert result.message and "\n" not in result.message
    for index in range(len(good)):
        assert outcomes[f"good-{index}.txt"].outcome in (IMPORTED, UPDATED)
    assert report.count(FAILED) == len(bad)
    assert f"failed {len(bad)}" in report.summary()
    # tidy up for the next example: this test's database transaction spans all of them
    Article.objects.filter(source_file__startswith="good-").delete()
