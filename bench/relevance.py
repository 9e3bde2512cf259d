"""Relevance on real text: recall and precision per query class, beside SQLite FTS5 + OpenCC.

Run by hand, never by the test suite:

    .venv/bin/python bench/relevance.py                    # 3,500 real pages, every query
    .venv/bin/python bench/relevance.py --pages 600 --per-class 50
    .venv/bin/python bench/relevance.py --code /tmp/before # measure another checkout's code

It renders real posts (tests/data/cctv-weibo-2020.jsonl.xz) into the seeds' three page styles
(tests/support/realtext.py), imports the folder with `manage.py import_seeds` (a subprocess, as a
user would), derives the query tables by rule (tests/support/relevance.py: every date, every count,
2–4 character substrings, jieba words, latin-digit tokens, Taiwan phrasing), each with the exact
set of pages that hold it, and asks the archive through its HTTP API (Django's test client: the
whole request path, without a socket): `count` and every result id (all pages of results), and
whether each result shows a highlight. The baseline indexes the same searchable paragraphs (what
our importer kept as title and body) in an FTS5 `trigram` table, text normalised with OpenCC t2s
and tw2sp both; a query is MATCHed in both forms (queries under 3 characters, which the trigram
index cannot serve, by a full scan with instr()). Results go to bench/results/relevance.md.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import REPO, RESULTS, WORK, Fts5, environment, start_django

sys.path.insert(0, str(REPO))

from tests.support import realtext
from tests.support.relevance import CLASSES, query_table

PER_PAGE = 100


def git(code: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=code, capture_output=True, text=True).stdout.strip()


def import_folder(*, code: Path, folder: Path, data_dir: Path) -> float:
    env = environment(data_dir)
    python = str(code / ".venv" / "bin" / "python")
    subprocess.run([python, "manage.py", "migrate", "--noinput"], cwd=code, env=env, check=True, capture_output=True)
    started = time.perf_counter()
    done = subprocess.run([python, "manage.py", "import_seeds", str(folder)], cwd=code, env=env, capture_output=True)
    took = time.perf_counter() - started
    print(done.stdout.decode().strip()[-300:])
    return took


_MARK = re.compile(r"<mark>(.*?)</mark>", re.S)


class Ours:
    """The archive's answers through /api/search."""

    def __init__(self) -> None:
        from django.test import Client

        self.client = Client()

    def search(self, query: str) -> tuple[list[str], int, float, int]:
        """(source_file of every result, count, ms for the first page, results without a highlight)."""
        names: list[str] = []
        unhighlighted = 0
        page, count, first_ms = 1, 0, 0.0
        while True:
            started = time.perf_counter()
            # Every matching article, reposts too (by default a group of near-duplicates is one result).
            params = {"q": query, "page": page, "per_page": PER_PAGE, "group_copies": 0}
            data = self.client.get("/api/search", params).json()
            if page == 1:
                first_ms = (time.perf_counter() - started) * 1000
                count = data["articles"]
            for result in data["results"]:
                names.append(result["source_file"])
                snippets = [p["snippet"] for p in result["paragraphs"]] + [result.get("title_highlighted", "")]
                if not any(_MARK.search(snippet or "") for snippet in snippets):
                    unhighlighted += 1
            if not data["results"] or len(names) >= count or page >= data.get("num_pages", 1):
                break
            page += 1
        return names, count, first_ms, unhighlighted


def score(found: set[str], expected: frozenset[str]) -> tuple[int, int, int]:
    return len(found & expected), len(found), len(expected)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=3500)
    parser.add_argument("--per-class", type=int, default=None, help="sample this many queries per class")
    parser.add_argument("--code", type=Path, default=REPO, help="the checkout whose archive code is measured")
    parser.add_argument("--label", default="", help="a name for this run in the results (e.g. before)")
    args = parser.parse_args()
    code = args.code.resolve()

    work = WORK / f"relevance-{args.pages}"
    shutil.rmtree(work, ignore_errors=True)
    folder, data_dir = work / "pages", work / "data"
    data_dir.mkdir(parents=True)
    pages = realtext.write_pages(folder, realtext.pages(count=args.pages))
    print(f"rendered {len(pages)} pages into {folder}")
    import_seconds = import_folder(code=code, folder=folder, data_dir=data_dir)
    print(f"import_seeds: {import_seconds:.1f} s")
    start_django(code=code, data_dir=data_dir)
    fts = Fts5(data_dir / "archive.sqlite3")
    ours = Ours()

    tables = {kind: query_table(pages, kind=kind, limit=args.per_class) for kind in CLASSES}
    totals: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0, 0]))
    perfect: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    timings: dict[str, list[float]] = defaultdict(list)
    unhighlighted: dict[str, int] = defaultdict(int)
    count_wrong: dict[str, int] = defaultdict(int)
    misses: dict[str, list[str]] = defaultdict(list)
    for kind, table in tables.items():
        for query in table:
            names, count, ms, bare = ours.search(query.text)
            found = set(names)
            timings["ours"].append(ms)
            unhighlighted[kind] += bare
            count_wrong[kind] += count != len(found)
            started = time.perf_counter()
            fts_found = fts.names(query.text)
            timings["fts5"].append((time.perf_counter() - started) * 1000)
            for engine, got in (("ours", found), ("fts5", set(fts_found))):
                hit, returned, wanted = score(got, query.expected)
                row = totals[kind][engine]
                row[0] += hit
                row[1] += returned
                row[2] += wanted
                perfect[kind][engine] += got == query.expected
            if found != query.expected and len(misses[kind]) < 8:
                extra, missing = sorted(found - query.expected)[:2], sorted(query.expected - found)[:2]
                misses[kind].append(f"`{query.text}`: +{len(found - query.expected)} {extra} −"
                                    f"{len(query.expected - found)} {missing}")  # fmt: skip
        print(kind, len(table), dict(totals[kind]))

    write_results(
        args=args, code=code, pages=len(pages), import_seconds=import_seconds, fts=fts, tables=tables,
        totals=totals, perfect=perfect, timings=timings, unhighlighted=unhighlighted, count_wrong=count_wrong,
        misses=misses,
    )  # fmt: skip


def ratio(numerator: int, denominator: int) -> str:
    return f"{numerator / denominator:.2f}" if denominator else "–"


def write_results(*, args, code, pages, import_seconds, fts, tables, totals, perfect, timings, unhighlighted,
                  count_wrong, misses) -> None:  # fmt: skip
    label = args.label or git(code, "rev-parse", "--short", "HEAD")
    dirty = " (with uncommitted changes)" if git(code, "status", "--short", "archive") else ""
    load = os.getloadavg()
    lines = [
        f"## {label}: {pages:,} pages, {datetime.date.today().isoformat()}",
        "",
        f"Code measured: `{git(code, 'rev-parse', '--short', 'HEAD')}`{dirty}; "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, load average before the run "
        f"{load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}. `import_seeds` on the folder: {import_seconds:.1f} s "
        f"({pages / import_seconds:.0f} pages/s); FTS5 build {fts.build_seconds:.1f} s.",
        "",
        "Recall = expected pages found / expected pages; precision = expected pages found / pages returned "
        "(pooled over the class). *Exact* = queries whose result set equals the expected set.",
        "",
        "| class | queries | ours recall | ours precision | ours exact | FTS5 recall | FTS5 precision | FTS5 exact "
        "| results without a highlight | count ≠ results |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for kind, table in tables.items():
        ours, fts5 = totals[kind]["ours"], totals[kind]["fts5"]
        lines.append(
            f"| {kind} | {len(table)} | {ratio(ours[0], ours[2])} | {ratio(ours[0], ours[1])} | "
            f"{perfect[kind]['ours']} | {ratio(fts5[0], fts5[2])} | {ratio(fts5[0], fts5[1])} | "
            f"{perfect[kind]['fts5']} | {unhighlighted[kind]} | {count_wrong[kind]} |"
        )
    for engine in ("ours", "fts5"):
        values = sorted(timings[engine])
        if values:
            p95 = values[int(0.95 * (len(values) - 1))]
            lines.append("")
            lines.append(f"{engine}: first page p50 {statistics.median(values):.1f} ms, p95 {p95:.1f} ms "
                         f"over {len(values)} queries.")  # fmt: skip
    if any(misses.values()):
        lines += ["", "First differences from the expected sets (+ extra, − missing):", ""]
        for kind, rows in misses.items():
            lines += [f"- {kind}: " + "; ".join(rows)]
    lines.append("")
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / "relevance.md"
    header = "# Relevance on real text\n\nGenerated by `bench/relevance.py` (run by hand). Newest run first.\n\n"
    previous = out.read_text(encoding="utf-8").removeprefix(header) if out.exists() else ""
    out.write_text(header + "\n".join(lines) + "\n" + previous, encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
