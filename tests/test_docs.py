"""The map of the code stays true: every module under archive/ is named in docs/architecture.md,
and nothing in the repository's docs or code points outside it or at tracker issues."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARCHITECTURE = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")


def modules() -> list[str]:
    """Every Python module of the app, migrations aside; an empty __init__.py is no module of its own."""
    found = []
    for path in sorted((ROOT / "archive").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if "/migrations/" in relative or (path.name == "__init__.py" and not path.read_text().strip()):
            continue
        found.append(relative)
    return found


@pytest.mark.parametrize("module", modules())
def test_every_module_is_on_the_map(module: str) -> None:
    assert f"`{module}" in ARCHITECTURE, f"{module} is not named in docs/architecture.md"


def test_the_map_names_no_module_that_is_gone() -> None:
    named = set(re.findall(r"`(archive/[\w/]+\.py)", ARCHITECTURE))
    assert named, "the map names no modules at all"
    assert sorted(name for name in named if not (ROOT / name).exists()) == []


def _project_files() -> list[Path]:
    files = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    for folder in ("archive", "bench", "tests", "templates"):
        files += sorted(p for p in (ROOT / folder).rglob("*") if p.suffix in {".py", ".html", ".md"})
    return [path for path in files if path.is_file() and "/migrations/" not in path.as_posix()]


# A pointer outside the repository, or at the tracker instead of at the code and docs.
OUTSIDE = re.compile(r"\.\./shared|DESIGN\.md|\bissue #?\d+\b")


def test_nothing_points_outside_the_repository_or_at_tracker_issues() -> None:
    offenders = []
    for path in _project_files():
        if path == Path(__file__):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            if OUTSIDE.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:100]}")
    assert offenders == []
