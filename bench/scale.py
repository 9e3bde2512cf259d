"""Scale benchmark: how DB load, index build, index size, memory and search latency grow with N.

Run by hand, never by the test suite (needs the `bench` extra: `pip install matplotlib`):

    .venv/bin/python bench/scale.py                           # 1,000, 5,000 and 20,000 articles
    .venv/bin/python bench/scale.py --sizes 1000,5000,20000,100000

Each size runs in its own child process (`--one N`), so Django's settings point at a fresh data
directory and the peak memory (ru_maxrss) is that size's alone. The children run from a snapshot of
the committed HEAD (`git archive`), so other engineers' uncommitted edits in a shared working tree
are not measured (nor break the run); `--working-tree` measures the working tree instead.
The corpus, the database load and the query list are bench/search.py's. Writes
bench/results/scale.csv and bench/results/scale.png, then fits power laws (y = a * N^b) to the
measured points and prints where search p95 crosses 100 ms and where the index build crosses one
hour on this machine.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import search as bench_search  # bench/search.py: corpus builder, DB load, query list, timings

REPO = bench_search.REPO
RESULTS = bench_search.RESULTS
WORK = bench_search.WORK
COLUMNS = [
    "articles",
    "paragraphs",
    "corpus_mb",
    "db_load_s",
    "index_s",
    "index_mb",
    "peak_rss_mb",
    "peak_rss_children_mb",
    "search_p50_ms",
    "search_p95_ms",
    "search_max_ms",
    "load_avg_start",
    "load_avg_end",
    "cpus",
    "commit",
    "search_code_dirty",
]


INTS = ("articles", "paragraphs", "cpus")


def _parse(column: str, value: str) -> object:
    if column in ("commit", "search_code_dirty"):
        return value
    return int(float(value)) if column in INTS else float(value)


def _rss_mb(who: int) -> float:
    return round(resource.getrusage(who).ru_maxrss / 1024, 1)  # Linux: kilobytes


def measure_one(n: int, *, seed: int, repeat: int) -> dict:
    """One size, in this (fresh) process; returns one CSV row."""
    load_start = os.getloadavg()[0]
    WORK.mkdir(parents=True, exist_ok=True)
    data_dir = Path(tempfile.mkdtemp(prefix=f"scale-{n}-", dir=WORK))
    try:
        bench_search.setup_django(data_dir)
        from django.core.management import call_command

        from archive.search import indexing, queue

        articles = bench_search.generate(n, seed, bench_search.build_pools())
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        bench_search.load_database(articles)
        db_load_s = time.perf_counter() - started

        started = time.perf_counter()
        with queue.writer_lock(blocking=True):
            indexing.rebuild()
        index_s = time.perf_counter() - started
        index_bytes = bench_search.dir_bytes(Path(os.environ["ARCHIVE_INDEX_DIR"]))
        # Peak after the build: the parent holds the documents, the children (large builds) write.
        peak_self, peak_children = _rss_mb(resource.RUSAGE_SELF), _rss_mb(resource.RUSAGE_CHILDREN)

        latency, _, _ = bench_search.time_ours(bench_search.QUERIES, repeat)
        version = bench_search.code_version()  # a snapshot is no git checkout: the parent says what it is
        if os.environ.get("SCALE_COMMIT"):
            version = {"commit": os.environ["SCALE_COMMIT"], "search_code_dirty": bool(os.environ.get("SCALE_DIRTY"))}
        return {
            "articles": n,
            "paragraphs": sum(len(a.paragraphs) for a in articles),
            "corpus_mb": round(sum(a.size() for a in articles) / 1e6, 2),
            "db_load_s": round(db_load_s, 2),
            "index_s": round(index_s, 2),
            "index_mb": round(index_bytes / 1e6, 2),
            "peak_rss_mb": peak_self,
            "peak_rss_children_mb": peak_children,
            "search_p50_ms": latency["p50_ms"],
            "search_p95_ms": latency["p95_ms"],
            "search_max_ms": latency["max_ms"],
            "load_avg_start": round(load_start, 2),
            "load_avg_end": round(os.getloadavg()[0], 2),
            "cpus": os.cpu_count(),
            "commit": version["commit"],
            "search_code_dirty": version["search_code_dirty"],
        }
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def power_fit(xs: list[float], ys: list[float]) -> tuple[float, float]:
    """Least squares on logs: y = a * x^b. Returns (a, b)."""
    lx, ly = [math.log(x) for x in xs], [math.log(max(y, 1e-9)) for y in ys]
    mx, my = sum(lx) / len(lx), sum(ly) / len(ly)
    sxx = sum((x - mx) ** 2 for x in lx)
    b = sum((x - mx) * (y - my) for x, y in zip(lx, ly, strict=True)) / sxx if sxx else 1.0
    return math.exp(my - b * mx), b


def crossing(a: float, b: float, target: float) -> float | None:
    """N where a * N^b reaches target (None when the curve does not grow)."""
    if b <= 0:
        return None
    return (target / a) ** (1 / b)


def extrapolate(rows: list[dict]) -> dict:
    ns = [float(r["articles"]) for r in rows]
    out = {}
    for key, target in (("search_p95_ms", 100.0), ("index_s", 3600.0)):
        a, b = power_fit(ns, [float(r[key]) for r in rows])
        # The last two points alone: the local slope, more pessimistic when the curve bends upwards.
        la, lb = power_fit(ns[-2:], [float(r[key]) for r in rows[-2:]])
        out[key] = {
            "a": a,
            "b": b,
            "target": target,
            "crosses_at": crossing(a, b, target),
            "last_b": lb,
            "last_crosses_at": crossing(la, lb, target),
        }
    return out


def plot(rows: list[dict], fits: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ns = [r["articles"] for r in rows]
    far = max(max(ns) * 50, *(f["crosses_at"] or 0 for f in fits.values()))
    grid = [10 ** (3 + i * (math.log10(far) - 3) / 60) for i in range(61)]
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.5))

    ax = axes[0]
    for key, label in (("search_p50_ms", "search p50"), ("search_p95_ms", "search p95")):
        ax.plot(ns, [r[key] for r in rows], "o-", label=label)
    a, b = fits["search_p95_ms"]["a"], fits["search_p95_ms"]["b"]
    ax.plot(grid, [a * n**b for n in grid], ":", label=f"p95 fit ∝ N^{b:.2f}")
    ax.axhline(100, color="red", lw=0.8, label="100 ms")
    ax.set(xscale="log", yscale="log", xlabel="articles", ylabel="ms", title="Search latency (25 queries)")
    ax.legend(fontsize=8)

    ax = axes[1]
    ax.plot(ns, [r["index_s"] for r in rows], "o-", label="index build")
    ax.plot(ns, [r["db_load_s"] for r in rows], "s-", label="DB load")
    a, b = fits["index_s"]["a"], fits["index_s"]["b"]
    ax.plot(grid, [a * n**b for n in grid], ":", label=f"index fit ∝ N^{b:.2f}")
    ax.axhline(3600, color="red", lw=0.8, label="1 hour")
    ax.set(xscale="log", yscale="log", xlabel="articles", ylabel="seconds", title="Build times")
    ax.legend(fontsize=8)

    ax = axes[2]
    ax.plot(ns, [r["index_mb"] for r in rows], "o-", label="index on disk")
    ax.plot(ns, [r["peak_rss_mb"] for r in rows], "s-", label="peak RSS (process)")
    children = [(r["articles"], r["peak_rss_children_mb"]) for r in rows if float(r["peak_rss_children_mb"]) > 0]
    if children:  # small rebuilds write in-process, with no children
        ax.plot(*zip(*children, strict=True), "^-", label="peak RSS (writer children)")
    ax.set(xscale="log", yscale="log", xlabel="articles", ylabel="MB", title="Size and memory")
    ax.legend(fontsize=8)

    load = ", ".join(f"{r['articles']:,}: {r['load_avg_start']}" for r in rows)
    fig.suptitle(f"bench/scale.py, {rows[0]['cpus']} cores, commit {rows[-1]['commit']} (1-min load avg {load})")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,5000,20000", help="comma-separated article counts")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each query")
    parser.add_argument("--seed", type=int, default=20200320)
    parser.add_argument("--results-dir", type=Path, default=RESULTS)
    parser.add_argument("--working-tree", action="store_true", help="measure uncommitted code too")
    parser.add_argument("--replot", action="store_true", help="redraw from the existing scale.csv, no runs")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # child mode: one size, JSON on stdout
    args = parser.parse_args()

    if args.one:
        row = measure_one(args.one, seed=args.seed, repeat=args.repeat)
        print("SCALE-ROW " + json.dumps(row))
        return

    if args.replot:
        with (args.results_dir / "scale.csv").open(encoding="utf-8") as handle:
            rows = [{k: _parse(k, v) for k, v in r.items()} for r in csv.DictReader(handle)]
        report(rows, args.results_dir)
        return

    script, env = Path(__file__).resolve(), dict(os.environ)
    snapshot = None
    if not args.working_tree:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True)
        WORK.mkdir(parents=True, exist_ok=True)  # bench/work/ is not in git
        snapshot = Path(tempfile.mkdtemp(prefix="scale-src-", dir=WORK))
        archive = subprocess.run(["git", "archive", "HEAD"], cwd=REPO, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(snapshot)], input=archive, check=True)
        script = snapshot / "bench" / "scale.py"
        env.update(SCALE_COMMIT=commit.stdout.strip(), SCALE_DIRTY="")
        print(f"measuring HEAD {commit.stdout.strip()} from a snapshot in {snapshot}")
    else:
        env["SCALE_DIRTY"] = "1" if bench_search.code_version()["search_code_dirty"] else ""
    rows = []
    for n in (int(s) for s in args.sizes.split(",") if s.strip()):
        print(f"--- {n:,} articles", flush=True)
        command = [sys.executable, str(script), "--one", str(n), "--seed", str(args.seed), "--repeat", str(args.repeat)]
        done = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
        lines = [line for line in done.stdout.splitlines() if line.startswith("SCALE-ROW ")]
        if done.returncode or not lines:
            sys.exit(f"size {n} failed:\n{done.stdout}\n{done.stderr}")
        row = json.loads(lines[-1].removeprefix("SCALE-ROW "))
        print(json.dumps(row), flush=True)
        rows.append(row)
    if snapshot:
        shutil.rmtree(snapshot, ignore_errors=True)

    args.results_dir.mkdir(parents=True, exist_ok=True)
    csv_path = args.results_dir / "scale.csv"
    with csv_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {csv_path}")
    report(rows, args.results_dir)


def report(rows: list[dict], results_dir: Path) -> None:
    if len(rows) >= 2:
        fits = extrapolate(rows)
        for key, what in (("search_p95_ms", "search p95 reaches 100 ms"), ("index_s", "index build reaches 1 hour")):
            fit = fits[key]
            at = fit["crosses_at"]
            where = f"{at:,.0f} articles" if at else "never (the curve does not grow)"
            last = fit["last_crosses_at"]
            local = f"{last:,.0f} articles" if last else "never"
            print(
                f"{what}: {where} (fit {fit['a']:.3g} * N^{fit['b']:.2f} through all points); "
                f"{local} from the last two points' slope (N^{fit['last_b']:.2f})"
            )
        png_path = results_dir / "scale.png"
        plot(rows, fits, png_path)
        print(f"wrote {png_path}")


if __name__ == "__main__":
    main()
