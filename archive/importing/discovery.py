"""Finding the files of an import, streamed: a folder of any size is walked, never listed whole."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from archive.importing.outcomes import ImportRefused


def check_paths(paths: Iterable[Path]) -> None:
    """Refuse the whole run, naming the path, when a file or directory given does not exist."""
    for path in paths:
        if not path.exists():
            raise ImportRefused(f"{path}: no such file or directory")


def iter_files(paths: Iterable[Path]) -> Iterator[tuple[Path, Path]]:
    """(file, import root) for each file given or found in a directory, recursively, in path
    order (as sorting all the paths would give), hidden files and directories skipped."""
    for path in paths:
        if path.is_dir():
            for file in _walk(path):
                yield file, path
        elif path.exists():
            yield path, path.parent
        else:
            raise ImportRefused(f"{path}: no such file or directory")


def _walk(directory: Path) -> Iterator[Path]:
    try:
        entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = directory / entry.name
        if entry.is_dir():
            yield from _walk(path)
        elif entry.is_file():
            yield path


def count_files(paths: Iterable[Path]) -> int:
    """How many files iter_files() will yield (a walk of names only, for the progress bar)."""
    return sum(1 for _ in iter_files(paths))


def relative_name(*, path: Path, root: Path) -> str:
    """The stored source_file: the path relative to the import root, with forward slashes."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.name
