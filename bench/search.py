"""Search benchmark on real text and on the user's path, beside SQLite FTS5 + OpenCC in the same run.

Run by hand, never by the test suite:

    .venv/bin/python bench/search.py --pages 20000            # render, import_seeds, measure
    .venv/bin/python bench/search.py --pages 100000 --data-dir bench/work/import-100000-…/data --import-label X
    .venv/bin/python bench/search.py --pages 20000 --data-dir … --profile frequent

The data directory is filled as users fill theirs: `manage.py import_seeds` on N pages rendered by
tests/support/realtext.py from the 7,499 real posts (variants past them), or it is one given with
--data-dir, such as the one `bench/import.py --keep` leaves (--import-label then takes that run's
import figures from bench/results/import.json).

Queries are drawn by rule from the real posts of the first min(N, 7,499) pages: `--per-class` of each
class of tests/support/relevance.py (date, count, substring, word, latin, taiwan), and three broad
classes, the searches that match much of the archive: `frequent` (one of the 300 words most posts
hold), `two words` (two frequent words of one post, both required), `either` (the same, A OR B).

Each query goes through the HTTP API and the search page (Django's test client: routing, the view,
the search, JSON or the template), cold (the postings cache emptied first:
archive.search.engines.whoosh.execution.forget_postings) and warm (straight after), `--repeat`
times. FTS5 answers the same queries (the ten best and the count) over the same kept paragraphs.
Every query's count of matching articles (`articles` in the API's JSON; its `count` counts
results, a group of near-duplicate copies once) is checked against brute force (the articles whose
title and kept paragraphs hold the query by tests/support/relevance.py's rule, read from the
database) and against the full list of matching ids. Writes bench/results/search-real-N.json,
rewrites bench/results/search.md, and puts the N row (corpus "real") into bench/results/scale.csv.
"""

from __future__ import annotations

import argparse
import collections
import cProfile
import datetime
import hashlib
import inspect
import io
import json
import os
import platform
import pstats
import random
import re
import sqlite3
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common
import scale
from common import REPO, RESULTS, WORK

sys.path.insert(0, str(REPO))

from tests.support import realtext, relevance

REAL_POSTS = 7499
BROAD = ("frequent", "two words", "either")
CLASSES = (*relevance.CLASSES, *BROAD)
ENDPOINTS = ("/api/search", "/search/")
FREQUENT = 300
SEED = 16


# --- queries ---------------------------------------------------------------------------------


def _post_words(pages: list[realtext.Page]) -> list[set[str]]:
    """The words of two or more Han characters in each page's post (jieba)."""
    import jieba

    han = re.compile(f"[{relevance.HAN}]+")
    return [
        {word for run in han.findall(page.post.title + page.post.body) for word in jieba.cut(run) if len(word) >= 2}
        for page in pages
    ]


def broad_queries(pages: list[realtext.Page], *, limit: int, seed: int) -> dict[str, list[str]]:
    words = _post_words(pages)
    frequency = collections.Counter(word for post in words for word in post)
    frequent = [word for word, _ in frequency.most_common(FREQUENT)]
    rng = random.Random(seed)
    pairs: dict[tuple[str, str], None] = {}
    for post in rng.sample(words, min(len(words), 50 * limit)):
        held = sorted(set(frequent) & post, key=frequent.index)
        if len(held) >= 2 and len(pairs) < limit:
            pairs[tuple(rng.sample(held, 2))] = None
    return {
        "frequent": relevance.sample(frequent, limit=limit, seed=seed),
        "two words": [f"{a} {b}" for a, b in pairs],
        "either": [f"{a} OR {b}" for a, b in pairs],
    }


def queries(*, pages: int, limit: int, seed: int) -> list[tuple[str, str]]:
    """(class, query) for every query of a run, drawn from the first `pages` real pages. Drawing takes
    minutes (jieba and OpenCC over every post), so the list is kept in bench/work/ for the next run,
    keyed by the arguments and the code that draws it."""
    code = "".join(Path(module.__file__).read_text(encoding="utf-8") for module in (realtext, relevance))
    code += inspect.getsource(_post_words) + inspect.getsource(broad_queries) + f"{FREQUENT} {CLASSES}"
    key = hashlib.sha256(f"{code} {pages} {limit} {seed}".encode()).hexdigest()[:16]
    cache = WORK / f"queries-{key}.json"
    if cache.exists():
        return [tuple(pair) for pair in json.loads(cache.read_text(encoding="utf-8"))]
    rendered = list(realtext.pages(count=pages))
    drawn = {kind: relevance.sample(relevance.candidates(rendered, kind=kind), limit=limit, seed=seed)
             for kind in relevance.CLASSES}  # fmt: skip
    drawn.update(broad_queries(rendered, limit=limit, seed=seed))
    asked = [(kind, text) for kind in CLASSES for text in drawn[kind]]
    WORK.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps(asked, ensure_ascii=False), encoding="utf-8")
    return asked


# --- brute force -----------------------------------------------------------------------------


class BruteForce:
    """Every article's searchable text in the forms relevance.py compares (computed once), scanned
    for each query: the exact set of articles that hold it."""

    def __init__(self, database: Path) -> None:
        self.articles: list[tuple[int, list[str]]] = []
        for pk, _, language, texts in common.searchable_articles(database):
            forms = relevance.text_forms("\n".join(texts), traditional=language == "zh-Hant")
            self.articles.append((pk, forms))

    def ids(self, query: str) -> set[int]:
        alternatives = query.split(" OR ")
        found: set[int] = set()
        for alternative in alternatives:
            pieces = relevance.query_pieces(alternative)
            found.update(pk for pk, forms in self.articles if relevance.holds_in(pieces, forms))
        return found


# --- our search, through HTTP ------------------------------------------------------------------


def ask(client, endpoint: str, query: str) -> tuple[float, float, int, dict | None]:
    """(wall ms, CPU ms of this process, status, the API's JSON) of one request."""
    started, cpu = time.perf_counter(), time.process_time()
    response = client.get(endpoint, {"q": query})
    took, used = (time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000
    return took, used, response.status_code, response.json() if endpoint == "/api/search" else None


def time_ours(asked: list[tuple[str, str]], repeat: int) -> dict:
    """Cold and warm latency of every query on both endpoints; counts from the API."""
    from django.test import Client

    from archive.search.engines.whoosh.execution import forget_postings

    client = Client()
    for _, query in asked[:10]:  # warm-up: jieba's dictionary, OpenCC, the open index, templates
        for endpoint in ENDPOINTS:
            ask(client, endpoint, query)
    # The machine is shared: CPU time says what a request costs whatever else runs.
    states = ("cold", "warm", "cpu cold", "cpu warm")
    times = {(state, endpoint): collections.defaultdict(list) for state in states for endpoint in ENDPOINTS}
    counts, results, errors = {}, {}, []
    for _ in range(repeat):
        for _, query in asked:
            for endpoint in ENDPOINTS:
                forget_postings()
                for state in ("cold", "warm"):
                    took, used, status, data = ask(client, endpoint, query)
                    times[state, endpoint][query].append(took)
                    times[f"cpu {state}", endpoint][query].append(used)
                    if status != 200:
                        errors.append(f"{endpoint} {query!r}: HTTP {status}")
                    elif data is not None:
                        # Every matching article (`count` counts results, a group of copies once).
                        counts[query] = data["articles"]
                        results[query] = data["count"]
    return {"times": times, "counts": counts, "results": results, "errors": errors}


def profile(asked: list[str], repeat: int, top: int = 30) -> str:
    """cProfile of cold API searches of the given queries."""
    from django.test import Client

    from archive.search.engines.whoosh.execution import forget_postings

    client = Client()
    profiler = cProfile.Profile()
    for _ in range(repeat):
        for query in asked:
            forget_postings()
            profiler.enable()
            client.get("/api/search", {"q": query})
            profiler.disable()
    WORK.mkdir(parents=True, exist_ok=True)
    profiler.dump_stats(WORK / "search-profile.prof")  # for pstats: callers, callees
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    out.write(f"# cProfile of {repeat} x {len(asked)} cold /api/search requests, top {top} by cumulative time\n")
    stats.sort_stats("cumulative").print_stats(top)
    out.write(f"\n# top {top} by own time\n")
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue().replace(str(REPO) + "/", "").replace(sys.prefix + "/", "")


# --- the run ---------------------------------------------------------------------------------


def prepare(args) -> tuple[Path, dict | None]:
    """The data directory, and the import's figures (None when neither run nor recorded)."""
    if args.data_dir:
        data_dir = args.data_dir.resolve()
        if not (data_dir / "archive.sqlite3").exists():
            raise SystemExit(f"{data_dir}: no archive.sqlite3 (run bench/import.py --keep, or leave --data-dir out)")
        recorded = None
        if args.import_label:
            rows = json.loads((RESULTS / "import.json").read_text(encoding="utf-8"))
            found = [r for r in rows if r["label"] == args.import_label and r["n"] == args.pages]
            if not found:
                raise SystemExit(f"import.json has no row labelled {args.import_label!r} for N = {args.pages}")
            recorded = found[-1]
        return data_dir, recorded
    work = WORK / f"search-{args.pages}"
    if work.exists():
        raise SystemExit(f"{work} exists: remove it, or pass --data-dir {work / 'data'}")
    folder = work / "pages"
    size = common.render(args.pages, folder)
    print(f"rendered {args.pages:,} pages ({size / 1e6:.1f} MB) into {folder}", flush=True)
    before = common.uptime()
    done = common.import_pages(REPO, folder, work / "data", [])
    print(f"import_seeds: {done['wall_s']:.1f} s, {done['summary']}", flush=True)
    figures = {"label": "this run", "n": args.pages, "bytes": size, "commit": common.commit_of(REPO),
               "wall_s": round(done["wall_s"], 2), "peak_rss_mb": round(done["peak_rss_mb"], 1),
               "cpu_s": round(done["cpu_s"], 1), "summary": done["summary"], "check_index": done["check_index"],
               "uptime_before": before, "uptime_after": common.uptime()}  # fmt: skip
    return work / "data", figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=20_000, help="N: pages imported (of --data-dir, if given)")
    parser.add_argument("--data-dir", type=Path, help="an imported data directory (default: import N pages)")
    parser.add_argument("--import-label", help="with --data-dir: the bench/results/import.json row of its import")
    parser.add_argument("--per-class", type=int, default=10, help="queries drawn of each class")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each query")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--count-sample", type=int, help="check this many queries' counts by brute force (all)")
    parser.add_argument("--profile", choices=CLASSES, help="also cProfile this class's cold searches")
    parser.add_argument("--results-dir", type=Path, default=RESULTS)
    parser.add_argument("--report", action="store_true", help="only rewrite search.md from the JSON files")
    args = parser.parse_args()
    if args.report:
        (args.results_dir / "search.md").write_text(render_markdown(args.results_dir), encoding="utf-8")
        return

    data_dir, imported = prepare(args)
    uptime_before = common.uptime()
    commit = common.commit_of(REPO)
    common.start_django(code=REPO, data_dir=data_dir)
    from django.core.management import call_command

    from archive.models import Article, Paragraph

    call_command("collectstatic", interactive=False, verbosity=0)  # DEBUG off serves pages from the manifest
    from archive.search.results import matching_article_ids

    articles = Article.objects.count()
    if articles != args.pages:
        print(f"note: the data directory holds {articles:,} articles, --pages says {args.pages:,}")
    drawn_from = min(args.pages, REAL_POSTS)
    asked = queries(pages=drawn_from, limit=args.per_class, seed=args.seed)
    print(f"{len(asked)} queries drawn from {drawn_from:,} real pages", flush=True)

    ours = time_ours(asked, args.repeat)
    print("ours timed", flush=True)
    started = time.perf_counter()
    fts = common.Fts5(data_dir / "archive.sqlite3")
    print(f"FTS5 built in {fts.build_seconds:.1f} s", flush=True)
    fts_times: dict[str, list[float]] = collections.defaultdict(list)
    fts_counts = {}
    for _ in range(args.repeat):
        for _, query in asked:
            started = time.perf_counter()
            _, fts_counts[query] = fts.first_page(query)
            fts_times[query].append((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    brute = BruteForce(data_dir / "archive.sqlite3")
    per_query = []
    checked = set(relevance.sample([query for _, query in asked], limit=args.count_sample, seed=args.seed))
    for kind, query in asked:
        listed = set(matching_article_ids(query=query))
        count = ours["counts"].get(query)
        expected = brute.ids(query) if query in checked else listed
        per_query.append({
            "class": kind, "query": query, "count": count, "results": ours["results"].get(query),
            "ids_listed": len(listed),
            "brute_force": len(expected) if query in checked else None,
            "extra": len(listed - expected), "missing": len(expected - listed),
            "extra_sample": sorted(listed - expected)[:3], "missing_sample": sorted(expected - listed)[:3],
            "fts5_count": fts_counts[query],
            **{f"{state} {endpoint}": ours["times"][state, endpoint][query]
               for state in ("cold", "warm", "cpu cold", "cpu warm") for endpoint in ENDPOINTS},
            "fts5": fts_times[query],
        })  # fmt: skip
    brute_s = time.perf_counter() - started
    print(f"brute force over {len(brute.articles):,} articles, {len(checked)} queries: {brute_s:.1f} s", flush=True)

    latency = {}
    for state in ("cold", "warm", "cpu cold", "cpu warm"):
        for endpoint in ENDPOINTS:
            key = f"{state} {endpoint}"
            latency[key] = {"all": common.summary([ms for row in per_query for ms in row[key]])}
            for kind in CLASSES:
                values = [ms for row in per_query if row["class"] == kind for ms in row[key]]
                if values:
                    latency[key][kind] = common.summary(values)
    latency["fts5"] = {"all": common.summary([ms for row in per_query for ms in row["fts5"]])}
    for kind in CLASSES:
        values = [ms for row in per_query if row["class"] == kind for ms in row["fts5"]]
        if values:
            latency["fts5"][kind] = common.summary(values)

    index_dir = data_dir / "whoosh_index"
    record = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "pages": args.pages,
        "articles": articles,
        "paragraphs": Paragraph.objects.count(),
        "text_mb": round(_text_bytes(data_dir / "archive.sqlite3") / 1e6, 1),
        "index_mb": round(sum(p.stat().st_size for p in index_dir.rglob("*") if p.is_file()) / 1e6, 1),
        "commit": commit,
        "data_dir": str(data_dir.relative_to(REPO) if data_dir.is_relative_to(REPO) else data_dir),
        "import": imported,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "sqlite": sqlite3.sqlite_version},
        "uptime_before": uptime_before,
        "uptime_after": common.uptime(),
        "repeat": args.repeat,
        "per_class": args.per_class,
        "fts5_build_s": round(fts.build_seconds, 1),
        "latency": latency,
        "errors": ours["errors"],
        "per_query": per_query,
    }
    args.results_dir.mkdir(parents=True, exist_ok=True)
    json_path = args.results_dir / f"search-real-{args.pages}.json"
    json_path.write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    (args.results_dir / "search.md").write_text(render_markdown(args.results_dir), encoding="utf-8")
    scale.put_row(scale.real_row(record), args.results_dir)
    print(summary_lines(record))
    print(f"wrote {json_path}, search.md and scale.csv")
    if args.profile:
        chosen = [query for kind, query in asked if kind == args.profile]
        report = profile(chosen, args.repeat)
        path = args.results_dir / f"search-real-{args.pages}-profile.txt"
        path.write_text(f"# commit {commit}; {common.uptime()}\n" + report, encoding="utf-8")
        print(report[:6000])
        print(f"wrote {path}")


def _text_bytes(database: Path) -> int:
    with sqlite3.connect(database) as db:
        return db.execute("SELECT sum(length(CAST(text AS BLOB))) FROM archive_paragraph").fetchone()[0] or 0


# --- reporting -------------------------------------------------------------------------------


def _cell(figures: dict | None) -> str:
    return f"{figures['p50_ms']:.0f} / {figures['p95_ms']:.0f} / {figures['max_ms']:.0f}" if figures else "–"


def _is_exact(row: dict) -> bool:
    return row["count"] == row["ids_listed"] and row["brute_force"] in (None, row["count"])


def _exact(rows: list[dict]) -> str:
    """How many counts equal the ids listed, and of those checked, brute force."""
    checked = [row for row in rows if row["brute_force"] is not None]
    listed = sum(row["count"] == row["ids_listed"] for row in rows)
    brute = sum(row["count"] == row["brute_force"] for row in checked)
    return f"{listed}/{len(rows)} = ids, {brute}/{len(checked)} = brute force"


def summary_lines(record: dict) -> str:
    latency = record["latency"]
    load = f"{common.load_of(record['uptime_before'])} → {common.load_of(record['uptime_after'])}"
    lines = [f"{record['articles']:,} articles, commit {record['commit']}, load {load}"]
    for key in [*(f"{s} {e}" for s in ("cold", "warm", "cpu cold", "cpu warm") for e in ENDPOINTS), "fts5"]:
        lines.append(f"  {key:<20} p50 / p95 / max ms: {_cell(latency[key]['all'])}")
    lines.append(f"  count exact: {_exact(record['per_query'])}")
    return "\n".join(lines)


def render_markdown(results_dir: Path) -> str:
    runs = []
    for path in sorted(results_dir.glob("search-real-*.json")):
        runs.append(json.loads(path.read_text(encoding="utf-8")))
    runs.sort(key=lambda r: r["articles"])
    lines = [
        "# Search benchmark on real text",
        "",
        "Generated by `bench/search.py` (run by hand; see its docstring). The archive is filled by",
        "`manage.py import_seeds` on N pages rendered from 7,499 real CCTV News posts (variants past",
        "them); queries are drawn by rule from the real posts; each is asked through `/api/search` and",
        "`/search/` with Django's test client, **cold** (postings cache emptied first) and **warm**",
        "(straight after). FTS5: the ten best and the count, over the same kept paragraphs folded and",
        "normalised with OpenCC t2s and tw2sp. Latency in ms: p50 / p95 / max. Targets at 100,000",
        "articles on 2 cores: p95 under 100 ms cold, under 50 ms warm.",
        "",
        "| N | commit | load before → after | text | index | cold /api/search | cold /search/ | warm /api/search "
        "| warm /search/ | FTS5 | count exact | errors |",
        "|---:|---|---|---:|---:|---|---|---|---|---|---|---:|",
    ]
    for r in runs:
        lat = r["latency"]
        lines.append(
            f"| {r['articles']:,} | {r['commit']} | {common.load_of(r['uptime_before'])} → "
            f"{common.load_of(r['uptime_after'])} | {r['text_mb']} MB | {r['index_mb']} MB | "
            + " | ".join(_cell(lat[f"{s} {e}"]["all"]) for s in ("cold", "warm") for e in ENDPOINTS)
            + f" | {_cell(lat['fts5']['all'])} | {_exact(r['per_query'])} | {len(r['errors'])} |"
        )
    for r in runs:
        lat = r["latency"]
        imported = r.get("import")
        lines += ["", f"## N = {r['articles']:,} ({r['date'][:10]}, {r['machine']['cpus']} cores)", ""]
        if imported:
            lines.append(
                f"Import (`import_seeds` on the {imported['n']:,} pages, commit {imported['commit']}): "
                f"{imported['wall_s']:.0f} s, {imported['n'] / imported['wall_s']:.0f} pages/s, peak RSS "
                f"{imported['peak_rss_mb']:.0f} MB (process tree), load {common.load_of(imported['uptime_before'])}"
                f" → {common.load_of(imported['uptime_after'])}."
            )
            lines.append("")
        lines += [
            f"{len(r['per_query'])} queries × {r['repeat']} runs; FTS5 built in {r['fts5_build_s']} s.",
            "",
            "| class | queries | cold /api/search | cold /search/ | warm /api/search | warm /search/ | FTS5 "
            "| CPU cold /api/search | mean count | count exact |",
            "|---|---:|---|---|---|---|---|---|---:|---:|",
        ]
        for kind in CLASSES:
            rows = [row for row in r["per_query"] if row["class"] == kind]
            if not rows:
                continue
            mean = sum(row["count"] or 0 for row in rows) / len(rows)
            lines.append(
                f"| {kind} | {len(rows)} | "
                + " | ".join(_cell(lat[f"{s} {e}"].get(kind)) for s in ("cold", "warm") for e in ENDPOINTS)
                + f" | {_cell(lat['fts5'].get(kind))} | {_cell(lat.get('cpu cold /api/search', {}).get(kind))}"
                + f" | {mean:,.0f} | {_exact(rows)} |"
            )
        if "cpu cold /api/search" in lat:
            cpu = "; ".join(f"{s} {e} {_cell(lat[f'cpu {s} {e}']['all'])}" for s in ("cold", "warm") for e in ENDPOINTS)
            lines += ["", f"CPU time of the requests (this process; p50 / p95 / max ms): {cpu}."]
        wrong = [row for row in r["per_query"] if not _is_exact(row)]
        if wrong:
            lines += [
                "",
                "Counts that differ (count / ids listed / brute force; + listed not held, − held not listed):",
                "",
            ]
            lines += [f"- `{row['query']}` ({row['class']}): {row['count']} / {row['ids_listed']} / "
                      f"{row['brute_force']}; +{row['extra']} {row['extra_sample']} −{row['missing']} "
                      f"{row['missing_sample']}" for row in wrong[:15]]  # fmt: skip
        slow = sorted(r["per_query"], key=lambda row: -max(row["cold /api/search"]))[:8]
        named = [f"`{row['query']}` {max(row['cold /api/search']):.0f} ms, {row['count']:,}" for row in slow]
        lines += ["", "Slowest cold API queries (max ms, count): " + "; ".join(named)]
        if r["errors"]:
            lines += ["", "Errors: " + "; ".join(r["errors"][:10])]
    lines += [
        "",
        "Before (synthetic corpus of the seeds' own sentences, bulk-loaded, `search_articles` in process,",
        "cold): p95 41 ms at 20,000 and 190.6 ms at 100,000 articles (`scale.csv`, corpus `synthetic`).",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
