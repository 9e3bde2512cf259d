"""What the benchmarks share: the real pages they render, the data directory a run points Django at,
the commands they run and measure, the machine's load, and latency summaries.

Not a benchmark itself; bench/import.py, search.py, scale.py, load.py and relevance.py import it.
"""

from __future__ import annotations

import os
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results"
WORK = REPO / "bench" / "work"  # gitignored
SAMPLE_SECONDS = 0.05
PSS_EVERY = 20  # samples: PSS once a second (reading it walks every page table of the process)


def render(count: int, directory: Path) -> int:
    """Write `count` realtext pages under `directory`; returns their total size in bytes."""
    sys.path.insert(0, str(REPO))
    from tests.support import realtext

    total = 0
    for page in realtext.pages(count=count):
        path = directory / page.name
        path.parent.mkdir(parents=True, exist_ok=True)
        data = page.data
        path.write_bytes(data)
        total += len(data)
    return total


# --- the data directory a run works in --------------------------------------------------------


def environment(data_dir: Path) -> dict[str, str]:
    """The environment of a production-like process (DEBUG off, no rate limit) on `data_dir`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ARCHIVE_")) and k != "SEARCH_URL"}
    return {
        **env,
        "ARCHIVE_DATA_DIR": str(data_dir),
        "ARCHIVE_INDEX_DIR": str(data_dir / "whoosh_index"),
        "DATABASE_URL": f"sqlite:///{data_dir / 'archive.sqlite3'}",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "bench-only-not-a-secret-" + "x" * 40),
        "DJANGO_ALLOWED_HOSTS": "testserver,127.0.0.1",
        "ARCHIVE_SEARCH_RATE_LIMIT": "0",
        "ARCHIVE_LOG_LEVEL": "WARNING",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
    }


def start_django(*, code: Path, data_dir: Path) -> None:
    """Start Django in this process on `data_dir`, with the archive code of the checkout `code`."""
    os.environ.clear()
    os.environ.update(environment(data_dir))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    sys.path.insert(0, str(code))
    for name in [name for name in sys.modules if name == "archive" or name.startswith(("archive.", "config."))]:
        del sys.modules[name]
    import django

    django.setup()


def manage(code: Path) -> list[str]:
    python = code / ".venv" / "bin" / "python"
    return [str(python if python.exists() else Path(sys.executable)), str(code / "manage.py")]


def own_env(data_dir: Path) -> dict[str, str]:
    """The environment of a command run as a user runs it, on `data_dir` alone (SQLite and Whoosh
    there, the caller's settings left out): the one the test suite's own subprocesses get."""
    sys.path.insert(0, str(REPO))
    from tests.support.processes import own_archive_env

    return own_archive_env(data_dir)


def import_pages(code: Path, folder: Path, data_dir: Path, extra: list[str]) -> dict:
    """`manage.py import_seeds FOLDER` (of the checkout `code`) into a fresh data directory, measured; with
    its summary line, the articles and queued index tasks it left, and what `check_index` says."""
    env = own_env(data_dir)
    subprocess.run([*manage(code), "migrate", "-v0"], env=env, cwd=code, check=True)
    result = run_measured([*manage(code), "import_seeds", str(folder), *extra], env=env, cwd=code)
    summary = [line for line in result["stdout"].splitlines() if "imported" in line]
    result["summary"] = summary[-1] if summary else ""
    with sqlite3.connect(data_dir / "archive.sqlite3") as db:
        result["articles"] = db.execute("SELECT count(*) FROM archive_article").fetchone()[0]
        result["queued"] = db.execute("SELECT count(*) FROM archive_indextask").fetchone()[0]
    check = subprocess.run([*manage(code), "check_index"], env=env, cwd=code, capture_output=True, text=True)
    result["check_index"] = (check.stdout.strip().splitlines() or [""])[-1] + f" (exit {check.returncode})"
    return result


# --- measuring a process tree ------------------------------------------------------------------


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as stream:
                fields = stream.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        tree.setdefault(int(fields[1]), []).append(int(entry.name))
    return tree


def _memory_kb(pid: int, *, key: bytes) -> int:
    """A process's resident memory (`VmRSS:` in status) or its proportional share (`Pss:` in
    smaps_rollup, a page shared by n processes counting 1/n in each, and slower to read), in kB."""
    try:
        with open(f"/proc/{pid}/{'status' if key == b'VmRSS:' else 'smaps_rollup'}", "rb") as stream:
            for line in stream:
                if line.startswith(key):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_memory_mb(root: int, *, key: bytes = b"VmRSS:") -> float:
    """Resident memory of a process and all its descendants, in MB: the sum of their RSS (shared
    pages counted in each), or with key=b"Pss:" of their PSS (shared pages counted once in all)."""
    tree, total, todo = _children(), 0, [root]
    while todo:
        pid = todo.pop()
        total += _memory_kb(pid, key=key)
        todo.extend(tree.get(pid, ()))
    return total / 1024


def tree_cpu_s(root: int) -> float:
    """User + system CPU time so far of a process and its live descendants, in seconds."""
    tree, total, todo = _children(), 0, [root]
    while todo:
        pid = todo.pop()
        try:
            with open(f"/proc/{pid}/stat", "rb") as stream:
                fields = stream.read().rsplit(b")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except OSError:
            pass
        todo.extend(tree.get(pid, ()))
    return total / os.sysconf("SC_CLK_TCK")


def run_measured(command: list[str], *, env: dict, cwd: Path) -> dict:
    """Run a command; wall time, exit status, output, the peak memory of its process tree (sampled:
    RSS summed, and PSS summed), and the largest peak of any one process in it (the kernel's
    ru_maxrss, exact)."""
    usage_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    peak = peak_pss = 0.0
    samples = 0
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:

        def pump(source, sink):
            for line in source:
                sink.write(line)

        threads = [threading.Thread(target=pump, args=pair) for pair in ((process.stdout, out), (process.stderr, err))]
        for thread in threads:
            thread.start()
        while process.poll() is None:
            peak = max(peak, tree_memory_mb(process.pid))
            if samples % PSS_EVERY == 0:
                peak_pss = max(peak_pss, tree_memory_mb(process.pid, key=b"Pss:"))
            samples += 1
            time.sleep(SAMPLE_SECONDS)
        wall = time.perf_counter() - started
        for thread in threads:
            thread.join()
        out.seek(0)
        err.seek(0)
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = usage.ru_utime + usage.ru_stime - usage_before.ru_utime - usage_before.ru_stime
        largest = usage.ru_maxrss / 1024 if usage.ru_maxrss > usage_before.ru_maxrss else None
        return {"wall_s": wall, "returncode": process.returncode, "stdout": out.read(), "stderr": err.read(),
                "peak_rss_mb": peak, "peak_pss_mb": peak_pss, "largest_process_mb": largest, "cpu_s": cpu}  # fmt: skip


# --- what a result records about the run ------------------------------------------------------


def uptime() -> str:
    # In UTC: Django sets TZ to its TIME_ZONE in the processes it runs in.
    return subprocess.run(["uptime"], capture_output=True, text=True, env={**os.environ, "TZ": "UTC"}).stdout.strip()


def load_of(uptime_line: str) -> str:
    """The three load averages of an `uptime` line."""
    return uptime_line.rsplit("load average:", 1)[-1].strip()


def commit_of(code: Path) -> str:
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=code, capture_output=True, text=True)
    # Results written by a run in progress are no change to the code measured.
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--", ".", ":!bench/results"],
                           cwd=code, capture_output=True, text=True).stdout.strip()  # fmt: skip
    return done.stdout.strip() + (" (uncommitted changes)" if dirty else "")


# --- latency ---------------------------------------------------------------------------------


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))
    return ordered[int(rank) - 1]


def summary(values_ms: list[float]) -> dict:
    return {
        "n": len(values_ms),
        "p50_ms": round(percentile(values_ms, 50), 1),
        "p95_ms": round(percentile(values_ms, 95), 1),
        "max_ms": round(max(values_ms), 1),
        "mean_ms": round(statistics.fmean(values_ms), 1),
    }


# --- the archive's searchable text, and the FTS5 + OpenCC baseline over it ---------------------


def searchable_articles(database: Path):
    """(id, source_file, language, [title, kept paragraphs…]) of every article of an archive database,
    read with SQL (no Django): what our search indexes (page furniture left out)."""
    db = sqlite3.connect(database)
    try:
        heads = db.execute("SELECT id, source_file, language, title FROM archive_article ORDER BY id")
        rows = db.execute(
            "SELECT article_id, text FROM archive_paragraph WHERE is_boilerplate = 0 ORDER BY article_id, position"
        )
        pending = next(rows, None)
        for pk, name, language, title in heads:
            texts = [title]
            while pending is not None and pending[0] == pk:
                texts.append(pending[1])
                pending = next(rows, None)
            yield pk, name, language, texts
    finally:
        db.close()


class Fts5:
    """SQLite FTS5 `trigram` over each article's title and kept paragraphs, folded (NFKC, lower case)
    and normalised with OpenCC t2s and tw2sp on both sides: the baseline our search is compared with.

    A query is its whitespace-separated terms, all required, or alternatives joined by OR; a term
    matches in any of its forms. Terms under 3 characters, which the trigram index cannot serve
    (MATCH would find nothing), make the whole query a full scan with instr()."""

    def __init__(self, database: Path) -> None:
        import opencc

        from tests.support.relevance import fold

        self.fold = fold
        self.t2s, self.tw2sp = opencc.OpenCC("t2s"), opencc.OpenCC("tw2sp")
        self.db = sqlite3.connect(":memory:")
        self.db.execute("CREATE VIRTUAL TABLE docs USING fts5(name UNINDEXED, body, tokenize='trigram')")
        started = time.perf_counter()
        batch = []
        for pk, name, _, texts in searchable_articles(database):
            batch.append((pk, name, "\n".join(self.forms("\n".join(texts)))))
            if len(batch) == 2000:
                self.db.executemany("INSERT INTO docs(rowid, name, body) VALUES (?, ?, ?)", batch)
                batch = []
        self.db.executemany("INSERT INTO docs(rowid, name, body) VALUES (?, ?, ?)", batch)
        self.db.commit()
        self.build_seconds = time.perf_counter() - started

    def forms(self, text: str) -> list[str]:
        folded = self.fold(text)
        return list(dict.fromkeys([self.t2s.convert(folded), self.tw2sp.convert(folded)]))

    def where(self, query: str) -> tuple[str, list[str], bool]:
        """(WHERE clause, parameters, ranked by FTS5) for a query."""
        words = query.split()
        groups = [[w] for w in words] if "OR" not in words else [[w for w in words if w != "OR"]]
        terms = [[form for word in group for form in self.forms(word)] for group in groups]
        if all(len(form) >= 3 for group in terms for form in group):
            expression = " AND ".join(
                "(" + " OR ".join('"' + form.replace('"', '""') + '"' for form in group) + ")" for group in terms
            )
            return "docs MATCH ?", [expression], True
        clause = " AND ".join("(" + " OR ".join("instr(body, ?) > 0" for _ in group) + ")" for group in terms)
        return clause, [form for group in terms for form in group], False

    def names(self, query: str) -> set[str]:
        clause, params, _ = self.where(query)
        return {name for (name,) in self.db.execute(f"SELECT name FROM docs WHERE {clause}", params)}

    def first_page(self, query: str) -> tuple[list[int], int]:
        """What a results page needs: the ten best ids (by FTS5's rank where it can rank) and the count."""
        clause, params, ranked = self.where(query)
        order = " ORDER BY rank" if ranked else ""
        top = [pk for (pk,) in self.db.execute(f"SELECT rowid FROM docs WHERE {clause}{order} LIMIT 10", params)]
        (count,) = self.db.execute(f"SELECT count(*) FROM docs WHERE {clause}", params).fetchone()
        return top, count
