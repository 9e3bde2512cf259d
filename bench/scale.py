"""Scale benchmark: how the import, the index, memory and search latency grow with N, on real text.

Run by hand, never by the test suite (the plot needs the `bench` extra: `pip install matplotlib`):

    .venv/bin/python bench/scale.py --sizes 3500,20000,100000    # bench/search.py at each N
    .venv/bin/python bench/scale.py --replot                     # fits and plot from scale.csv only

Each size is one `bench/search.py --pages N` run in a child process (render N real pages,
`import_seeds` them, ask the searches through HTTP), which puts its row into
bench/results/scale.csv; bench/search.py does the same when run alone. The CSV keeps the rows of
every corpus: `synthetic` rows are the earlier runs on the seeds' own sentences, bulk-loaded
(db_load_s, index_s: a rebuild; peak RSS of the process and of the writer children), `real` rows
are import_seeds on real pages (import_s; peak RSS of the import's process tree). Search figures
are cold (postings cache emptied before each query): in-process `search_articles` for synthetic
rows, the HTTP API and search page for real rows, whose warm and FTS5 figures have columns too.
Power laws (y = a * N^b) fitted to each corpus's rows say where search p95 crosses 100 ms.
"""

from __future__ import annotations

import argparse
import csv
import math
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import RESULTS, load_of, percentile

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
    "corpus",
    "import_s",
    "search_warm_p50_ms",
    "search_warm_p95_ms",
    "fts5_p95_ms",
]
TEXT = ("commit", "search_code_dirty", "corpus")
INTS = ("articles", "paragraphs", "cpus")


def _parse(column: str, value: str) -> object:
    if column in TEXT:
        return value
    if value in ("", None):
        return None
    return int(float(value)) if column in INTS else float(value)


def read_rows(results_dir: Path) -> list[dict]:
    path = results_dir / "scale.csv"
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as handle:
        rows = [{k: _parse(k, v) for k, v in r.items()} for r in csv.DictReader(handle)]
    for row in rows:
        row["corpus"] = row.get("corpus") or "synthetic"  # rows written before the column existed
    return rows


def put_row(row: dict, results_dir: Path) -> None:
    """Add the row, or replace the one of the same corpus and N; the others stay."""
    rows = [r for r in read_rows(results_dir) if (r["corpus"], r["articles"]) != (row["corpus"], row["articles"])]
    rows.append(row)
    rows.sort(key=lambda r: (r["corpus"] != "synthetic", r["articles"]))
    with (results_dir / "scale.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows({k: ("" if r.get(k) is None else r.get(k)) for k in COLUMNS} for r in rows)


def real_row(record: dict) -> dict:
    """The scale.csv row of a bench/search.py record (cold and warm: both endpoints together)."""
    latency = record["latency"]
    cold = [ms for row in record["per_query"] for key in ("cold /api/search", "cold /search/") for ms in row[key]]
    warm = [ms for row in record["per_query"] for key in ("warm /api/search", "warm /search/") for ms in row[key]]
    imported = record.get("import") or {}
    return {
        "articles": record["articles"],
        "paragraphs": record["paragraphs"],
        "corpus_mb": record["text_mb"],
        "index_mb": record["index_mb"],
        "peak_rss_mb": imported.get("peak_rss_mb"),
        "search_p50_ms": round(percentile(cold, 50), 1),
        "search_p95_ms": round(percentile(cold, 95), 1),
        "search_max_ms": round(max(cold), 1),
        "load_avg_start": float(load_of(record["uptime_before"]).split(",")[0]),
        "load_avg_end": float(load_of(record["uptime_after"]).split(",")[0]),
        "cpus": record["machine"]["cpus"],
        "commit": record["commit"].split()[0],
        "search_code_dirty": "uncommitted" in record["commit"],
        "corpus": "real",
        "import_s": imported.get("wall_s"),
        "search_warm_p50_ms": round(percentile(warm, 50), 1),
        "search_warm_p95_ms": round(percentile(warm, 95), 1),
        "fts5_p95_ms": latency["fts5"]["all"]["p95_ms"],
    }


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


def report(rows: list[dict], results_dir: Path) -> None:
    for corpus in ("synthetic", "real"):
        mine = sorted((r for r in rows if r["corpus"] == corpus), key=lambda r: r["articles"])
        if len(mine) < 2:
            continue
        a, b = power_fit([float(r["articles"]) for r in mine], [float(r["search_p95_ms"]) for r in mine])
        at = crossing(a, b, 100.0)
        where = f"{at:,.0f} articles" if at else "never (the curve does not grow)"
        print(f"{corpus}: search p95 reaches 100 ms at {where} (fit {a:.3g} * N^{b:.2f})")
    try:
        plot(rows, results_dir / "scale.png")
    except ImportError:
        print("no plot: pip install matplotlib")


def plot(rows: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(11, 4.5))
    for corpus, marker in (("synthetic", "s"), ("real", "o")):
        mine = sorted((r for r in rows if r["corpus"] == corpus), key=lambda r: r["articles"])
        if not mine:
            continue
        ns = [r["articles"] for r in mine]
        axes[0].plot(ns, [r["search_p95_ms"] for r in mine], f"{marker}-", label=f"{corpus}: cold p95")
        if corpus == "real":
            axes[0].plot(ns, [r["search_warm_p95_ms"] for r in mine], f"{marker}--", label="real: warm p95")
            axes[0].plot(ns, [r["fts5_p95_ms"] for r in mine], f"{marker}:", label="real: FTS5 p95")
            timed = [(r["articles"], r["import_s"]) for r in mine if r["import_s"]]
            if timed:
                axes[1].plot(*zip(*timed, strict=True), f"{marker}-", label="real: import_seeds")
        else:
            axes[1].plot(
                ns, [r["db_load_s"] + r["index_s"] for r in mine], f"{marker}-", label="synthetic: load + rebuild"
            )
    axes[0].axhline(100, color="red", lw=0.8, label="100 ms")
    axes[0].set(xscale="log", yscale="log", xlabel="articles", ylabel="ms", title="Search latency")
    axes[1].axhline(360, color="red", lw=0.8, label="6 minutes")
    axes[1].set(xscale="log", yscale="log", xlabel="articles", ylabel="seconds", title="Filling the archive")
    for ax in axes:
        ax.legend(fontsize=8)
    fig.suptitle(f"bench/scale.py, {rows[-1]['cpus']} cores (load averages in scale.csv)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="3500,20000", help="comma-separated page counts")
    parser.add_argument("--results-dir", type=Path, default=RESULTS)
    parser.add_argument("--replot", action="store_true", help="fits and plot from the existing scale.csv, no runs")
    args = parser.parse_args()
    if not args.replot:
        search = Path(__file__).resolve().with_name("search.py")
        for n in (int(s) for s in args.sizes.split(",") if s.strip()):
            print(f"--- {n:,} pages", flush=True)
            command = [sys.executable, str(search), "--pages", str(n), "--results-dir", str(args.results_dir)]
            subprocess.run(command, check=True)
    report(read_rows(args.results_dir), args.results_dir)


if __name__ == "__main__":
    main()
