"""What an import says about each page, and about the whole run (pure: no Django here)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

IMPORTED = "imported"
UPDATED = "updated"
UNCHANGED = "unchanged"
FAILED = "failed"
SKIPPED = "skipped"
CONFLICT = "conflict"  # the file changed, but a curator edited the article since: kept unless forced
WRITTEN = (IMPORTED, UPDATED)


class ImportRefused(Exception):
    """A file or record that cannot be imported; the message is the reason shown to the user."""


@dataclass(frozen=True)
class FileResult:
    source_file: str
    outcome: str  # imported, updated, unchanged, failed, skipped, conflict
    article_id: int | None = None
    message: str = ""
    duplicate_of: str = ""  # another file with byte-identical content
    content_hash: str = ""


@dataclass
class ImportReport:
    """The outcome of a run: counts, and the results a user is told about.

    Every result is kept in `results` only when `keep_results` (the service's callers look at
    them); the command keeps counts and the notable ones, so a run's memory does not grow with
    the folder.
    """

    dry_run: bool = False
    keep_results: bool = True
    results: list[FileResult] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)
    failures: list[FileResult] = field(default_factory=list)
    conflicts: list[FileResult] = field(default_factory=list)
    warnings: list[FileResult] = field(default_factory=list)  # skipped, with the reason
    duplicates: list[FileResult] = field(default_factory=list)

    def add(self, result: FileResult) -> None:
        self.counts[result.outcome] += 1
        if self.keep_results:
            self.results.append(result)
        if result.outcome == FAILED:
            self.failures.append(result)
        elif result.outcome == CONFLICT:
            self.conflicts.append(result)
        elif result.outcome == SKIPPED:
            self.warnings.append(result)
        if result.duplicate_of:
            self.duplicates.append(result)

    def count(self, outcome: str) -> int:
        return self.counts[outcome]

    @property
    def pages(self) -> int:
        return sum(self.counts.values())

    def summary(self) -> str:
        prefix = "dry run: would have " if self.dry_run else ""
        line = (
            f"{prefix}imported {self.count(IMPORTED)}, updated {self.count(UPDATED)}, "
            f"unchanged {self.count(UNCHANGED)}, failed {self.count(FAILED)}, skipped {self.count(SKIPPED)}, "
            f"conflicts {self.count(CONFLICT)}"
        )
        if self.duplicates:
            pairs = "; ".join(f"{result.source_file} = {result.duplicate_of}" for result in self.duplicates)
            line += f" (duplicates: {pairs})"
        return line
