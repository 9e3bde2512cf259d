"""The interface catalogues: complete, and the committed .mo files match their .po sources."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parent.parent / "locale"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%[sd]")


def po_entries(path: Path) -> list[dict[str, str]]:
    """(msgctxt, msgid, msgstr) of every entry, continuation lines joined; the header is skipped."""
    entries, current, field = [], {}, None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[0\])?) "(.*)"$', line)
        if match:
            field = match.group(1).replace("[0]", "")
            current[field] = match.group(2)
        elif line.startswith('"') and field:
            current[field] += line[1:-1]
        elif not line.strip() and current:
            if current.get("msgid"):
                entries.append({key: value.replace('\\"', '"').replace("\\n", "\n") for key, value in current.items()})
            current, field = {}, None
    return entries


@pytest.mark.parametrize("language", ["zh_Hans", "zh_Hant"])
def test_catalogue_is_complete_and_compiled(language):
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    mo = po.with_suffix(".mo")
    entries = po_entries(po)
    assert len(entries) > 100
    with mo.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in entries:
        assert entry["msgstr"], f"untranslated in {language}: {entry['msgid']!r}"
        key = entry["msgid"] if "msgctxt" not in entry else f"{entry['msgctxt']}\x04{entry['msgid']}"
        if "msgid_plural" in entry:
            assert compiled.ngettext(key, entry["msgid_plural"], 1) == entry["msgstr"], "run `make messages`"
        else:
            assert compiled.gettext(key) == entry["msgstr"], f"{mo} is stale: run `make messages`"
        # a translation uses the same named placeholders as its source
        source = set(PLACEHOLDER.findall(entry["msgid"])) - {""}
        assert set(PLACEHOLDER.findall(entry["msgstr"])) - {""} == source, entry
