"""The interface catalogues: the .po files are the source, every string reviewed, the committed
.mo files compiled from them; locale/draft_hant.py drafts traditional strings without ever
changing a reviewed one."""

from __future__ import annotations

import gettext
import importlib.util
import re
from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parent.parent / "locale"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%[sd]")


def catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))


def strings(entry: polib.POEntry) -> list[str]:
    return list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]


@pytest.mark.parametrize("language", ["zh_Hans", "zh_Hant"])
def test_every_string_is_translated_and_reviewed(language):
    po = catalogue(language)
    entries = [entry for entry in po if not entry.obsolete]
    assert len(entries) > 100
    for entry in entries:
        assert all(strings(entry)), f"untranslated in {language}: {entry.msgid!r}"
        assert "fuzzy" not in entry.flags, f"unreviewed draft in {language}: {entry.msgid!r} (remove its fuzzy flag)"
        # a translation uses the same named placeholders as its source
        source = set(PLACEHOLDER.findall(entry.msgid)) - {""}
        for text in strings(entry):
            assert set(PLACEHOLDER.findall(text)) - {""} == source, entry


@pytest.mark.parametrize("language", ["zh_Hans", "zh_Hant"])
def test_the_compiled_catalogue_is_the_po_file(language):
    po = catalogue(language)
    with (LOCALE / language / "LC_MESSAGES" / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in po:
        if entry.obsolete:
            continue
        key = entry.msgid if not entry.msgctxt else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural:
            assert compiled.ngettext(key, entry.msgid_plural, 1) == entry.msgstr_plural[0], "run `make messages`"
        else:
            assert compiled.gettext(key) == entry.msgstr, "the .mo file is stale: run `make messages`"


def draft_hant():
    spec = importlib.util.spec_from_file_location("draft_hant", LOCALE / "draft_hant.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def po_of(*entries: polib.POEntry) -> polib.POFile:
    po = polib.POFile()
    for entry in entries:
        po.append(entry)
    return po


def test_drafts_fill_only_unreviewed_traditional_strings_and_flag_them_for_review():
    simplified = po_of(
        polib.POEntry(msgid="Search", msgstr="搜索"),
        polib.POEntry(msgid="Sources", msgstr="来源"),
        polib.POEntry(msgid="Browse", msgstr="浏览"),
        polib.POEntry(msgid="Release notes", msgstr="发布说明"),
        polib.POEntry(msgid="Untranslated", msgstr=""),
    )
    traditional = po_of(
        polib.POEntry(msgid="Search", msgstr="搜尋資料"),  # reviewed, though not what OpenCC says
        polib.POEntry(msgid="Sources", msgstr=""),
        polib.POEntry(msgid="Browse", msgstr="流覽", flags=["fuzzy"]),  # makemessages' guess
        polib.POEntry(msgid="Release notes", msgstr=""),
        polib.POEntry(msgid="Untranslated", msgstr=""),
    )
    drafted = draft_hant().draft(simplified=simplified, traditional=traditional)
    by_id = {entry.msgid: entry for entry in traditional}
    assert [entry.msgid for entry in drafted] == ["Sources", "Browse", "Release notes"]
    assert (by_id["Search"].msgstr, by_id["Search"].flags) == ("搜尋資料", [])
    assert by_id["Sources"].msgstr == "來源"
    assert by_id["Browse"].msgstr == "瀏覽"
    assert by_id["Release notes"].msgstr == "發布說明"  # s2twp's 釋出 is software "release"
    assert all("fuzzy" in entry.flags for entry in drafted)
    assert by_id["Untranslated"].msgstr == ""  # nothing reviewed to draft from
