"""A SIGKILL at any moment leaves the database consistent, and the index catches up by itself.

Each test runs the real commands a user runs (`manage.py import_seeds`, `rebuild_index`,
`check_index`) as subprocesses on their own data directory (SQLite and Whoosh, whatever the suite
runs on), kills one with SIGKILL at a chosen moment, then checks what a user would:

- every article in the database is whole: its paragraphs are exactly its page's lines;
- no worker process outlives the killed command;
- `check_index` names what the index lacks (queued tasks, missing documents) and exits 1;
- `check_index --repair`, or simply the next write (an import run again), makes the index equal
  the database with nothing queued.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from archive.text.paragraphs import split_paragraphs
from tests.support import realtext
from tests.support.processes import own_archive_env

REPO = Path(__file__).resolve().parent.parent
PAGES = 200
FIRST = 150  # pages an archive holds before the folder grows to PAGES
BATCH = 20  # pages per transaction in the killed import: ten commits, and a fresh index from 40 pages


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    pages = tmp_path_factory.mktemp("crash-pages")
    realtext.write_pages(pages, realtext.pages(count=PAGES))
    return pages


@pytest.fixture(scope="module")
def first_pages(tmp_path_factory) -> Path:
    """The first pages of the same folder: an archive imports them before the folder grows."""
    pages = tmp_path_factory.mktemp("crash-first-pages")
    realtext.write_pages(pages, realtext.pages(count=FIRST))
    return pages


@pytest.fixture(scope="module")
def expected(folder) -> dict[str, list[str]]:
    """Each page's paragraphs: its non-empty lines, in order, as the importer splits them."""
    return {page.name: [line.text for line in split_paragraphs(page.text)] for page in realtext.pages(count=PAGES)}


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> Path:
    """A migrated, empty database, copied for each test (migrating takes seconds)."""
    data_dir = tmp_path_factory.mktemp("crash-migrated")
    Archive(data_dir).manage("migrate", "-v0")
    return data_dir / "archive.sqlite3"


class Archive:
    """A data directory and the commands run on it."""

    def __init__(self, data_dir: Path, database: Path | None = None) -> None:
        self.data_dir = data_dir
        self.env = own_archive_env(data_dir, ARCHIVE_IMPORT_BATCH=str(BATCH))
        if database is not None:
            shutil.copyfile(database, data_dir / "archive.sqlite3")

    def command(self, *args: str) -> list[str]:
        return [sys.executable, str(REPO / "manage.py"), *args]

    def manage(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run(self.command(*args), cwd=REPO, env=self.env, capture_output=True, text=True, timeout=300)
        if check and done.returncode not in (0, 1):
            raise AssertionError(f"{args}: exit {done.returncode}\n{done.stdout}\n{done.stderr}")
        return done

    def start(self, *args: str) -> subprocess.Popen:
        return subprocess.Popen(
            self.command(*args), cwd=REPO, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )

    def query(self, sql: str) -> list[tuple]:
        with sqlite3.connect(f"file:{self.data_dir / 'archive.sqlite3'}?mode=ro", uri=True, timeout=30) as db:
            return db.execute(sql).fetchall()

    def articles(self) -> int:
        return self.query("SELECT count(*) FROM archive_article")[0][0]

    def queued(self) -> int:
        """Articles whose index task is queued (written to the database, not yet to the index)."""
        return self.query("SELECT count(DISTINCT article_id) FROM archive_indextask")[0][0]

    def check(self, *args: str) -> tuple[int, str]:
        done = self.manage("check_index", *args)
        return done.returncode, done.stdout


def kill_when(process: subprocess.Popen, ready, *, timeout: float = 240) -> None:
    """SIGKILL the process at a moment when ready() holds (it must not have finished first).

    The process is stopped (SIGSTOP) and ready() asked again before the kill: a moment can pass
    between one look and the signal, and the kill must land in the state the test names.
    """
    deadline = time.monotonic() + timeout
    while True:
        assert process.poll() is None, f"finished before the moment to kill it: {process.stderr.read()}"
        assert time.monotonic() < deadline, "the moment to kill never came"
        if ready():
            process.send_signal(signal.SIGSTOP)
            if ready():
                break
            process.send_signal(signal.SIGCONT)
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)


def survivors(folder: Path) -> list[int]:
    """Processes still running with the folder on their command line (the import's workers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if str(folder).encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def assert_consistent(archive: Archive, folder: Path, expected: dict[str, list[str]]) -> None:
    """Every article whole, and no worker left behind."""
    rows = archive.query(
        "SELECT a.source_file, p.text FROM archive_article a LEFT JOIN archive_paragraph p ON p.article_id = a.id "
        "ORDER BY a.source_file, p.position"
    )
    stored: dict[str, list] = {}
    for name, text in rows:
        stored.setdefault(name, []).append(text)
    for name, texts in stored.items():
        assert texts == expected[name], f"{name} is not whole"
    deadline = time.monotonic() + 30
    while survivors(folder) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert survivors(folder) == [], "worker processes outlived the import"


def assert_caught_up(archive: Archive) -> None:
    code, out = archive.check()
    assert code == 0, out
    assert f"ok ({PAGES} articles in the database, {PAGES} in the index)" in out
    assert archive.query("SELECT count(*) FROM archive_indextask") == [(0,)]


def test_killed_between_batches_then_repaired(tmp_path, migrated, folder, first_pages, expected):
    archive = Archive(tmp_path, migrated)
    assert archive.manage("import_seeds", str(first_pages)).returncode == 0
    # New pages fewer than the index holds: added to it batch by batch, one commit each.
    process = archive.start("import_seeds", "--workers", "2", str(folder))
    # Killed while a committed batch waits for the index: the drift check_index must report.
    kill_when(process, lambda: archive.articles() >= FIRST + BATCH and archive.queued() > 0)
    assert_consistent(archive, folder, expected)
    written = archive.articles()
    assert FIRST + BATCH <= written < PAGES
    code, out = archive.check()
    assert code == 1 and "(run with --repair)" in out
    code, out = archive.check("--repair")
    assert code == 0 and "now ok" in out, out
    code, out = archive.check()
    assert code == 0 and f"{written} articles in the database, {written} in the index" in out
    # The import resumes where it stopped.
    done = archive.manage("import_seeds", str(folder))
    assert done.returncode == 0 and f"imported {PAGES - written}, updated 0, unchanged {written}" in done.stdout
    assert_caught_up(archive)


def test_killed_while_building_a_fresh_index_then_caught_up_by_the_next_import(tmp_path, migrated, folder, expected):
    archive = Archive(tmp_path, migrated)
    fresh = tmp_path / "whoosh_index.new"
    process = archive.start("import_seeds", "--workers", "2", str(folder))
    # An empty index and a folder of ten batches: the import builds a fresh index beside it.
    kill_when(process, lambda: fresh.exists() and archive.articles() >= 5 * BATCH)
    assert_consistent(archive, folder, expected)
    written = archive.articles()
    queued = archive.queued()
    assert queued == written  # nothing was applied: the fresh index was never swapped in
    code, out = archive.check()
    assert code == 1 and f"{queued} queued for reindexing" in out
    done = archive.manage("import_seeds", str(folder))  # the next write applies the queue first
    assert done.returncode == 0 and f"unchanged {written}" in done.stdout
    assert_caught_up(archive)


# Moments the import passes through whatever the machine's speed: started (reading and parsing,
# nothing written), its first batch committed, half of its pages committed.
MOMENTS = {
    "started": lambda archive, folder: bool(survivors(folder)) and archive.articles() == 0,
    "first batch": lambda archive, folder: archive.articles() >= 1,
    "half written": lambda archive, folder: archive.articles() >= PAGES // 2,
}


@pytest.mark.parametrize("moment", MOMENTS)
def test_killed_at_any_moment(tmp_path, migrated, folder, expected, moment):
    archive = Archive(tmp_path, migrated)
    process = archive.start("import_seeds", "--workers", "2", str(folder))
    kill_when(process, lambda: MOMENTS[moment](archive, folder))
    assert_consistent(archive, folder, expected)
    code, out = archive.check("--repair")
    assert code == 0, out
    code, out = archive.check()
    assert code == 0, out
    archive.manage("import_seeds", str(folder))
    assert_caught_up(archive)


def test_killed_rebuild_leaves_the_live_index(tmp_path, migrated, folder, expected):
    archive = Archive(tmp_path, migrated)
    assert archive.manage("import_seeds", str(folder)).returncode == 0
    assert_caught_up(archive)
    process = archive.start("rebuild_index", "--noinput")
    kill_when(process, lambda: (tmp_path / "whoosh_index.new").exists())
    assert_caught_up(archive)  # the live index, untouched until the swap, is whole


def test_a_rebuild_killed_between_its_renames_is_completed(tmp_path, migrated, folder):
    archive = Archive(tmp_path, migrated)
    assert archive.manage("import_seeds", str(folder)).returncode == 0
    live = tmp_path / "whoosh_index"
    # The state build_fresh leaves between `live → .old` and `.new → live` (a complete new index).
    fresh = live.with_name("whoosh_index.new")
    os.rename(live, live.with_name("whoosh_index.old"))
    os.mkdir(fresh)
    for path in live.with_name("whoosh_index.old").iterdir():
        os.link(path, fresh / path.name)
    assert not live.exists()
    assert_caught_up(archive)
    assert live.exists() and not fresh.exists() and not live.with_name("whoosh_index.old").exists()
