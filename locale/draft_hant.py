"""Draft the traditional catalogue (zh_Hant) from the simplified one (zh_Hans), for review.

The .po files are the source of truth of the interface translations: translators and their
tools edit them. After `manage.py makemessages`, a zh_Hant entry that is empty or fuzzy, whose
zh_Hans entry is reviewed, gets a draft: the simplified text through OpenCC s2twp (Taiwan
phrasing), flagged fuzzy until a reviewer checks it and removes the flag. A reviewed string
(non-empty and not fuzzy) is never changed. Fuzzy strings are not compiled into the .mo files,
and tests/test_i18n.py fails while any is left.

    python locale/draft_hant.py            (run by `make messages`)
"""

from __future__ import annotations

from pathlib import Path

import opencc
import polib

HERE = Path(__file__).resolve().parent
# s2twp's software vocabulary that reads wrong here (发布 is "publish", not "release").
PHRASE_FIXES = {"釋出": "發布", "型別": "類型", "導航": "導覽"}


def to_traditional(text: str) -> str:
    text = opencc.OpenCC("s2twp").convert(text)
    for wrong, right in PHRASE_FIXES.items():
        text = text.replace(wrong, right)
    return text


def reviewed(entry: polib.POEntry) -> bool:
    return entry.translated() and "fuzzy" not in entry.flags  # translated(): non-empty, not fuzzy


def draft(*, simplified: polib.POFile, traditional: polib.POFile) -> list[polib.POEntry]:
    """Fill each unreviewed traditional entry from its reviewed simplified one; returns them."""
    sources = {(entry.msgctxt, entry.msgid): entry for entry in simplified if reviewed(entry)}
    drafted = []
    for entry in traditional:
        source = sources.get((entry.msgctxt, entry.msgid))
        if entry.obsolete or reviewed(entry) or source is None:
            continue
        if entry.msgid_plural:
            entry.msgstr_plural = {n: to_traditional(text) for n, text in source.msgstr_plural.items()}
        else:
            entry.msgstr = to_traditional(source.msgstr)
        entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
        if "fuzzy" not in entry.flags:
            entry.flags.append("fuzzy")
        drafted.append(entry)
    return drafted


def main() -> None:
    catalogues = {code: HERE / code / "LC_MESSAGES" / "django.po" for code in ("zh_Hans", "zh_Hant")}
    simplified, traditional = (polib.pofile(str(path), wrapwidth=79) for path in catalogues.values())
    drafted = draft(simplified=simplified, traditional=traditional)
    if drafted:  # else the file stays exactly as makemessages wrote it
        traditional.save()
    for entry in drafted:
        print(f"zh_Hant drafted, review it and remove its fuzzy flag: {entry.msgid!r}")
    for entry in simplified:
        if not entry.obsolete and not reviewed(entry):
            print(f"zh_Hans needs a translation: {entry.msgid!r}")


if __name__ == "__main__":
    main()
