"""The curated COVID-19 glossary shipped in archive/data/glossary.tsv (loaded by a data migration)."""

from __future__ import annotations

from pathlib import Path

GLOSSARY_TSV = Path(__file__).resolve().parent / "data" / "glossary.tsv"


def read_glossary(path: Path = GLOSSARY_TSV) -> list[tuple[str, str, str]]:
    """(chinese, english variants joined by |, note) for each line; # lines are comments."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        chinese, english, *rest = line.split("\t")
        rows.append((chinese.strip(), english.strip(), rest[0].strip() if rest else ""))
    return rows
