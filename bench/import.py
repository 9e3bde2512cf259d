"""Import benchmark on the user's path: `manage.py import_seeds FOLDER` on N real pages, beside SQLite FTS5.

Run by hand, never by the test suite:

    .venv/bin/python bench/import.py                                  # N = 3,500, 20,000 and 100,000
    .venv/bin/python bench/import.py --sizes 3500 --code /tmp/before --label before

For each N it renders N pages with tests/support/realtext.py (the 7,499 real CCTV News posts in the
seeds' three page styles; past the last post, variants with their sentences reordered and a counter
added) into a folder under bench/work/, then in the same run:

- runs `python manage.py import_seeds FOLDER` from the code under test (`--code`, default this
  checkout) as a subprocess, in a fresh ARCHIVE_DATA_DIR (migrated first, untimed), sampling the
  resident memory of its whole process tree (the command and its workers) every 50 ms;
- checks the outcome: the summary line, the exit status, the articles in the database, and (when
  the code has it) `check_index`;
- indexes the same files with SQLite FTS5 (trigram tokenizer) over OpenCC-normalised text (t2s and
  tw2sp, as our queries would be), also as a subprocess, timed the same way.

It appends one row per N to bench/results/import.json (keyed by label and N, so a "before" and an
"after" run sit side by side) and rewrites bench/results/import.md from it, with the commit
measured and the machine's load (`uptime`) before and after each run.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results"
WORK = REPO / "bench" / "work"  # gitignored
SAMPLE_SECONDS = 0.05


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


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", "rb") as stream:
            for line in stream:
                if line.startswith(b"VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_rss_mb(root: int) -> float:
    """Resident memory of a process and all its descendants, in MB (shared pages counted in each)."""
    tree, total, todo = _children(), 0, [root]
    while todo:
        pid = todo.pop()
        total += _rss_kb(pid)
        todo.extend(tree.get(pid, ()))
    return total / 1024


def run_measured(command: list[str], *, env: dict, cwd: Path) -> dict:
    """Run a command; wall time, exit status, output, the peak RSS of its process tree (sampled), and
    the largest peak of any one process in it (the kernel's ru_maxrss, exact)."""
    import resource

    usage_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    peak = 0.0
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        import threading

        def pump(source, sink):
            for line in source:
                sink.write(line)

        threads = [threading.Thread(target=pump, args=pair) for pair in ((process.stdout, out), (process.stderr, err))]
        for thread in threads:
            thread.start()
        while process.poll() is None:
            peak = max(peak, tree_rss_mb(process.pid))
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
                "peak_rss_mb": peak, "largest_process_mb": largest, "cpu_s": cpu}  # fmt: skip


# --- ours ----------------------------------------------------------------------------------------


def manage(code: Path) -> list[str]:
    python = code / ".venv" / "bin" / "python"
    return [str(python if python.exists() else Path(sys.executable)), str(code / "manage.py")]


def run_ours(code: Path, folder: Path, data_dir: Path, extra: list[str]) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("ARCHIVE_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    env.pop("SEARCH_URL", None)
    env["ARCHIVE_DATA_DIR"] = str(data_dir)
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


# --- FTS5 ----------------------------------------------------------------------------------------


def fts5_index(folder: Path, database: Path) -> None:
    """The baseline: each file's text normalised with OpenCC (t2s and tw2sp) into an FTS5 trigram table."""
    import opencc

    t2s, tw2sp = opencc.OpenCC("t2s"), opencc.OpenCC("tw2sp")
    db = sqlite3.connect(database)
    db.execute("CREATE VIRTUAL TABLE pages USING fts5(name UNINDEXED, body, tokenize='trigram')")
    rows = []
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            rows.append((path.relative_to(folder).as_posix(), t2s.convert(text) + "\n" + tw2sp.convert(text)))
            if len(rows) == 1000:
                db.executemany("INSERT INTO pages VALUES (?, ?)", rows)
                rows = []
    db.executemany("INSERT INTO pages VALUES (?, ?)", rows)
    db.commit()
    db.close()


def run_fts5(folder: Path, work: Path) -> dict:
    database = work / "fts5.sqlite3"
    result = run_measured(
        [sys.executable, str(Path(__file__).resolve()), "--fts5-only", str(folder), str(database)],
        env=dict(os.environ),
        cwd=REPO,
    )
    with sqlite3.connect(database) as db:
        result["rows"] = db.execute("SELECT count(*) FROM pages").fetchone()[0]
    return result


# --- the report ----------------------------------------------------------------------------------


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def commit_of(code: Path) -> str:
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=code, capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=code, capture_output=True,
                           text=True).stdout.strip()  # fmt: skip
    return done.stdout.strip() + (" (uncommitted changes)" if dirty else "")


def write_report(rows: list[dict], path: Path) -> None:
    lines = [
        "# Import benchmark",
        "",
        "Generated by `bench/import.py` (run by hand). `manage.py import_seeds FOLDER` as a user runs it, on N pages",
        "rendered by `tests/support/realtext.py` from 7,499 real CCTV News posts in the seeds' three page styles",
        "(past 7,499, variants with reordered sentences and a counter), into a fresh data directory (SQLite,",
        "Whoosh). Wall time of the command; peak RSS summed over its process tree (the command and its worker",
        "processes; pages shared between them are counted in each). FTS5: the same files decoded, normalised",
        "with OpenCC t2s and tw2sp, inserted into an FTS5 trigram table, in the same run. The machine is shared:",
        "`uptime` is taken before and after each run.",
        "",
        "CPU is the user + system time of the command's whole process tree: on a quiet 2-core machine the",
        "wall time cannot be less than half of it.",
        "",
        "| label | N | commit | date | wall | pages/s | CPU | peak RSS | FTS5 wall | FTS5 pages/s | FTS5 RSS "
        "| ours / FTS5 | outcome | load before → after |",
        "|---|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for row in rows:
        ratio = row["wall_s"] / row["fts5_wall_s"] if row["fts5_wall_s"] else float("nan")
        lines.append(
            f"| {row['label']} | {row['n']:,} | {row['commit']} | {row['date']} | {row['wall_s']:.1f} s "
            f"| {row['n'] / row['wall_s']:.0f} | {_cpu(row)} | {row['peak_rss_mb']:.0f} MB "
            f"| {row['fts5_wall_s']:.1f} s "
            f"| {row['n'] / row['fts5_wall_s']:.0f} | {row['fts5_rss_mb']:.0f} MB | {ratio:.1f}× "
            f"| {row['summary']}; exit {row['returncode']}; {row['articles']:,} articles, {row['queued']} queued; "
            f"check_index: {row['check_index']} | {_load(row['uptime_before'])} → {_load(row['uptime_after'])} |"
        )
    lines += ["", "Raw figures: `bench/results/import.json`.", ""]
    path.write_text("\n".join(lines), encoding="utf-8")


def _cpu(row: dict) -> str:
    return f"{row['cpu_s']:.0f} s" if row.get("cpu_s") is not None else "–"


def _load(uptime_line: str) -> str:
    return uptime_line.rsplit("load average:", 1)[-1].strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="3500,20000,100000", help="comma-separated page counts")
    parser.add_argument("--code", type=Path, default=REPO, help="the checkout whose manage.py is measured")
    parser.add_argument("--label", default="after", help="the row's label, e.g. before / after")
    parser.add_argument("--results-dir", type=Path, default=RESULTS)
    parser.add_argument("--keep", action="store_true", help="keep the rendered pages and data directories")
    parser.add_argument("--report", action="store_true", help="only rewrite import.md from import.json")
    parser.add_argument("--fts5-only", nargs=2, type=Path, help=argparse.SUPPRESS)  # child mode
    args, extra = parser.parse_known_args()
    if args.fts5_only:
        fts5_index(*args.fts5_only)
        return
    json_path = args.results_dir / "import.json"
    rows = json.loads(json_path.read_text(encoding="utf-8")) if json_path.exists() else []
    if args.report:
        write_report(rows, args.results_dir / "import.md")
        return
    code = args.code.resolve()
    for n in (int(size) for size in args.sizes.split(",") if size.strip()):
        WORK.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f"import-{n}-", dir=WORK))
        try:
            folder = work / "pages"
            size = render(n, folder)
            print(f"--- {n:,} pages ({size / 1e6:.1f} MB) in {folder}", flush=True)
            before = uptime()
            ours = run_ours(code, folder, work / "data", extra)
            fts5 = run_fts5(folder, work)
            after = uptime()
            row = {
                "label": args.label,
                "n": n,
                "bytes": size,
                "commit": commit_of(code),
                "date": datetime.date.today().isoformat(),
                "wall_s": round(ours["wall_s"], 2),
                "peak_rss_mb": round(ours["peak_rss_mb"], 1),
                "largest_process_mb": ours["largest_process_mb"] and round(ours["largest_process_mb"], 1),
                "cpu_s": round(ours["cpu_s"], 1),
                "returncode": ours["returncode"],
                "summary": ours["summary"],
                "articles": ours["articles"],
                "queued": ours["queued"],
                "check_index": ours["check_index"],
                "fts5_wall_s": round(fts5["wall_s"], 2),
                "fts5_rss_mb": round(fts5["peak_rss_mb"], 1),
                "fts5_rows": fts5["rows"],
                "uptime_before": before,
                "uptime_after": after,
                "arguments": extra,
                "cpus": os.cpu_count(),
            }
            print(json.dumps(row, ensure_ascii=False), flush=True)
            if ours["returncode"] not in (0, 1):
                print(ours["stderr"][-3000:], file=sys.stderr)
            rows = [r for r in rows if (r["label"], r["n"]) != (row["label"], n)] + [row]
            rows.sort(key=lambda r: (r["n"], r["label"] != "before", r["label"]))
            args.results_dir.mkdir(parents=True, exist_ok=True)
            json_path.write_text(json.dumps(rows, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
            write_report(rows, args.results_dir / "import.md")
        finally:
            if not args.keep:
                shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
