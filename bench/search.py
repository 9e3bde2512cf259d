"""Search benchmark: a synthetic corpus, our Whoosh search, and a plain SQLite FTS5 baseline.

Run by hand, never by the test suite:

    .venv/bin/python bench/search.py --articles 2000
    .venv/bin/python bench/search.py                     # 20,000 articles
    .venv/bin/python bench/search.py --profile           # plus cProfile of the query loop

It builds a deterministic corpus from the seeds' own sentences in a fresh data
directory (database and index), times the database load and the index build
separately, times archive.search.results.search_articles over a fixed list of
queries, does the same with an FTS5 trigram table over OpenCC-normalised text,
compares the two engines' match sets, and writes bench/results/search-<N>.json
and bench/results/search.md (a summary of every search-*.json present).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import hashlib
import io
import json
import os
import platform
import pstats
import random
import re
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench"
RESULTS = BENCH / "results"
WORK = BENCH / "work"  # gitignored

QUERIES = [
    "复工复产",
    "復工復產",
    "华强北",
    "强北",
    "口罩",
    "新冠肺炎",
    "疫情防控",
    "深圳",
    "東莞",
    "寶安",
    "北",
    "华人",
    "resumption",
    "Shenzhen",
    '"nucleic acid"',
    "epidemic prevention",
    "复工 OR 复产",
    "口罩 -深圳",
    "zzqxjvw",
    "龘靐齉",
    "企业 防控",
    "核酸检测",
    "COVID-19",
    "肺炎 OR pneumonia",
    "enterprises Shenzhen",
]

SOURCES = [
    ("深圳新闻网", "sznews.com"),
    ("Shenzhen Government Online", "sz.gov.cn"),
    ("东莞时间网", "timedg.com"),
    ("宝安日报", "baoan.gov.cn"),
    ("Eyeshenzhen", "eyeshenzhen.com"),
]

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_SENTENCE_END = re.compile(r"(?<=[。！？!?.])|\n")


# --- environment ----------------------------------------------------------------------------


def setup_django(data_dir: Path) -> None:
    """Point the settings at a fresh data directory, then start Django."""
    os.environ["ARCHIVE_DATA_DIR"] = str(data_dir)
    os.environ["ARCHIVE_INDEX_DIR"] = str(data_dir / "whoosh_index")
    os.environ["DATABASE_URL"] = f"sqlite:///{data_dir / 'archive.sqlite3'}"
    # Production-like: no query log kept by Django.
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-a-secret-" + "x" * 40)
    os.environ.setdefault("ARCHIVE_LOG_LEVEL", "WARNING")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    sys.path.insert(0, str(REPO))
    import django

    django.setup()


def code_version() -> dict:
    """The commit measured, and whether the search code had uncommitted changes."""
    import subprocess

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True).stdout.strip()

    paths = ["archive/search", "archive/search_indexes.py", "archive/text"]
    return {"commit": git("rev-parse", "--short", "HEAD"), "search_code_dirty": bool(git("status", "--short", *paths))}


def dir_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


# --- corpus ---------------------------------------------------------------------------------


@dataclass
class Pools:
    simplified: list[str]
    traditional: list[str]
    english: list[str]
    simplified_titles: list[str]
    traditional_titles: list[str]
    english_titles: list[str]


def seed_sentences() -> tuple[list[str], list[str]]:
    """Non-trivial sentences of the seeds' bodies: (Chinese, English), deduplicated, in order."""
    chinese, english, seen = [], [], set()
    for path in sorted((REPO / "seeds").glob("*.txt")):
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        for line in lines[1:]:  # the first line is the page title
            for sentence in _SENTENCE_END.split(line):
                sentence = sentence.strip(" \t\u3000")
                if not sentence or sentence in seen or "\ufffd" in sentence:
                    continue
                seen.add(sentence)
                han = len(_CJK.findall(sentence))
                if han >= 8:
                    chinese.append(sentence)
                elif not han and len(sentence.split()) >= 6 and len(sentence) >= 30:
                    english.append(sentence)
    return chinese, english


def build_pools() -> Pools:
    from archive.text.normalise import to_simplified, to_traditional

    chinese, english = seed_sentences()
    simplified = [to_simplified(s) for s in chinese]
    traditional = [to_traditional(s) for s in simplified]

    def titles(sentences: list[str], limit: int) -> list[str]:
        return [s.rstrip("。.!！?？") for s in sentences if len(s) <= limit]

    return Pools(
        simplified=simplified,
        traditional=traditional,
        english=english,
        simplified_titles=titles(simplified, 40),
        traditional_titles=titles(traditional, 40),
        english_titles=titles(english, 110),
    )


@dataclass
class SynthArticle:
    title: str
    language: str
    date: datetime.date
    source: int | None  # index into SOURCES
    paragraphs: list[tuple[str, str, str]] = field(default_factory=list)  # (text, language, role)

    def size(self) -> int:
        return sum(len(text.encode("utf-8")) + 1 for text, _, _ in self.paragraphs)


def _paragraph(rng: random.Random, pool: list[str], separator: str) -> str:
    count = rng.choices((1, 2, 3, 4), weights=(80, 14, 4, 2))[0]
    return separator.join(rng.choice(pool) for _ in range(count))


def _paragraph_count(rng: random.Random, low: int, high: int) -> int:
    choices = list(range(low, high + 1))
    weights = [max(1, 40 // (1 + 2 * i)) for i in range(len(choices))]  # mostly short articles
    return rng.choices(choices, weights=weights)[0]


def generate(n: int, seed: int, pools: Pools) -> list[SynthArticle]:
    rng = random.Random(seed)
    start = datetime.date(2020, 1, 1)
    days = (datetime.date(2020, 4, 30) - start).days + 1
    kinds = ("zh-Hans", "zh-Hant", "en", "mixed")
    articles = []
    for _ in range(n):
        kind = rng.choices(kinds, weights=(40, 25, 25, 10))[0]
        date = start + datetime.timedelta(days=rng.randrange(days))
        source = rng.randrange(len(SOURCES)) if rng.random() < 0.9 else None
        paragraphs: list[tuple[str, str, str]] = []
        if kind == "mixed":
            title = f"{rng.choice(pools.english_titles)} {rng.choice(pools.simplified_titles)}"
            paragraphs.append((title, "mixed", "title"))
            paragraphs.append((f"Updated: {date.isoformat()}", "en", "metadata"))
            for _ in range(_paragraph_count(rng, 1, 4)):  # EN paragraph, then its "translation"
                paragraphs.append((_paragraph(rng, pools.english, " "), "en", "body"))
                paragraphs.append((_paragraph(rng, pools.simplified, ""), "zh-Hans", "body"))
        else:
            pool, titles, separator = {
                "zh-Hans": (pools.simplified, pools.simplified_titles, ""),
                "zh-Hant": (pools.traditional, pools.traditional_titles, ""),
                "en": (pools.english, pools.english_titles, " "),
            }[kind]
            title = rng.choice(titles)
            paragraphs.append((title, kind, "title"))
            label = "Updated" if kind == "en" else "日期"
            paragraphs.append((f"{label}: {date.isoformat()}", kind, "metadata"))
            for _ in range(_paragraph_count(rng, 2, 8)):
                paragraphs.append((_paragraph(rng, pool, separator), kind, "body"))
        articles.append(SynthArticle(title=title, language=kind, date=date, source=source, paragraphs=paragraphs))
    return articles


def load_database(articles: list[SynthArticle], batch: int = 2000) -> None:
    """Bulk-create Sources, Articles and Paragraphs (published_on set here: no save() call)."""
    from django.db import transaction

    from archive.models import Article, Paragraph, Source
    from archive.text.boilerplate import is_furniture

    with transaction.atomic():
        sources = Source.objects.bulk_create(
            [Source(name=name, domain=domain, base_url=f"https://{domain}/") for name, domain in SOURCES]
        )
        for first in range(0, len(articles), batch):
            chunk = articles[first : first + batch]
            rows = []
            for number, synth in enumerate(chunk, start=first):
                body = "\n".join(text for text, _, _ in synth.paragraphs)
                source = sources[synth.source] if synth.source is not None else None
                rows.append(
                    Article(
                        title=synth.title[:500],
                        source=source,
                        original_url=f"https://{source.domain}/{synth.date:%Y%m%d}/{number}.html" if source else "",
                        pub_year=synth.date.year,
                        pub_month=synth.date.month,
                        pub_day=synth.date.day,
                        published_on=synth.date,
                        language=synth.language,
                        source_file=f"synthetic/{number:06d}.txt",
                        content_hash=hashlib.sha256(body.encode("utf-8")).hexdigest(),
                    )
                )
            created = Article.objects.bulk_create(rows)
            Paragraph.objects.bulk_create(
                [
                    Paragraph(
                        article=article,
                        position=position,
                        text=text,
                        language=language,
                        role=role,
                        is_boilerplate=is_furniture(role),
                    )
                    for article, synth in zip(created, chunk, strict=True)
                    for position, (text, language, role) in enumerate(synth.paragraphs, start=1)
                ],
                batch_size=5000,
            )


# --- our search -----------------------------------------------------------------------------


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))
    return ordered[int(rank) - 1]


def summary(values_ms: list[float]) -> dict:
    return {
        "p50_ms": round(percentile(values_ms, 50), 2),
        "p95_ms": round(percentile(values_ms, 95), 2),
        "max_ms": round(max(values_ms), 2),
        "mean_ms": round(statistics.fmean(values_ms), 2),
    }


def time_ours(queries: list[str], repeat: int) -> tuple[dict, dict[str, list[float]], dict[str, int]]:
    """Latency with the postings cache emptied before each query (cold: the figures reported and
    compared), and of the same query straight after (warm: `latency["warm"]`)."""
    from archive.search.engines.whoosh import execution
    from archive.search.results import search_articles

    for query in queries:  # warm-up: jieba's dictionary, OpenCC, Whoosh's files, Django's connection
        search_articles(query=query)
    per_query: dict[str, list[float]] = {q: [] for q in queries}
    warm: list[float] = []
    counts: dict[str, int] = {}
    for _ in range(repeat):
        for query in queries:
            execution.forget_postings()
            started = time.perf_counter()
            page = search_articles(query=query)
            per_query[query].append((time.perf_counter() - started) * 1000)
            counts[query] = page.count
            started = time.perf_counter()
            search_articles(query=query)
            warm.append((time.perf_counter() - started) * 1000)
    every = [ms for values in per_query.values() for ms in values]
    return {**summary(every), "warm": summary(warm)}, per_query, counts


def our_ids(query: str) -> set[int]:
    """Every article our search matches, from the same ranked list search_articles counts."""
    from archive.search.results import matching_article_ids

    return set(matching_article_ids(query=query))


def profile_ours(queries: list[str], repeat: int, top: int = 25) -> str:
    from archive.search.results import search_articles

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(repeat):
        for query in queries:
            search_articles(query=query)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.strip_dirs()
    out.write(f"# cProfile of {repeat} x {len(queries)} search_articles calls, top {top} by cumulative time\n")
    stats.sort_stats("cumulative").print_stats(top)
    out.write(f"\n# top {top} by own (total) time\n")
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()


# --- FTS5 baseline --------------------------------------------------------------------------


@dataclass
class FtsQuery:
    groups: list[list[str]]  # AND of ORs, each term normalised
    excluded: list[str]

    @property
    def terms(self) -> list[str]:
        return [t for group in self.groups for t in group] + self.excluded

    @property
    def needs_scan(self) -> bool:
        """FTS5's trigram index cannot look up strings under 3 characters: LIKE, full scan."""
        return any(len(term) < 3 for term in self.terms)


def fts_parse(raw: str) -> FtsQuery:
    """The product's own parse (AND, OR, -exclusion, "phrase"), each term's text normalised as documents are."""
    from archive.search.query import parse
    from archive.text.normalise import normalise

    def text(term) -> str:
        body = term.raw.removeprefix("-").removeprefix(f"{term.field}:" if term.field else "")
        return normalise(body.strip('"')).strip()

    parsed = parse(raw)
    return FtsQuery(
        groups=[[text(term) for term in group] for group in parsed.groups],
        excluded=[text(term) for term in parsed.excluded],
    )


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def fts_sql(query: FtsQuery) -> tuple[str, list[str], bool]:
    """(WHERE clause, parameters, ranked) for one query."""
    if query.needs_scan:

        def like(term: str) -> str:
            return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"

        clauses, params = [], []
        for group in query.groups:
            clauses.append("(" + " OR ".join("body LIKE ? ESCAPE '\\'" for _ in group) + ")")
            params.extend(like(term) for term in group)
        for term in query.excluded:
            clauses.append("body NOT LIKE ? ESCAPE '\\'")
            params.append(like(term))
        return " AND ".join(clauses), params, False
    expression = " AND ".join("(" + " OR ".join(_quote(t) for t in group) + ")" for group in query.groups)
    if query.excluded:
        expression = f"({expression}) NOT ({' OR '.join(_quote(t) for t in query.excluded)})"
    return "fts MATCH ?", [expression], True


def build_fts(archive_db: Path, fts_db: Path) -> dict:
    """One row per article: normalise(title + non-boilerplate paragraphs), trigram-tokenised."""
    from archive.text.normalise import normalise

    started = time.perf_counter()
    source = sqlite3.connect(archive_db)
    rows = source.execute(
        "SELECT article_id, text, role FROM archive_paragraph WHERE is_boilerplate = 0 ORDER BY article_id, position"
    )
    titles = dict(source.execute("SELECT id, title FROM archive_article"))
    connection = sqlite3.connect(fts_db)
    connection.execute("CREATE VIRTUAL TABLE fts USING fts5(body, tokenize='trigram')")
    normalise_s = 0.0
    batch: list[tuple[int, str]] = []
    current, texts = None, []

    def flush() -> None:
        nonlocal normalise_s
        if current is None:
            return
        t0 = time.perf_counter()
        batch.append((current, normalise("\n".join([titles[current], *texts]))))
        normalise_s += time.perf_counter() - t0

    for article_id, text, role in rows:
        if article_id != current:
            flush()
            current, texts = article_id, []
            if len(batch) >= 2000:
                connection.executemany("INSERT INTO fts(rowid, body) VALUES (?, ?)", batch)
                batch.clear()
        if role != "title":  # the title is the article's title, prepended above
            texts.append(text)
    flush()
    connection.executemany("INSERT INTO fts(rowid, body) VALUES (?, ?)", batch)
    connection.execute("INSERT INTO fts(fts) VALUES ('optimize')")
    connection.commit()
    connection.close()
    source.close()
    elapsed = time.perf_counter() - started
    return {"build_s": round(elapsed, 2), "normalise_s": round(normalise_s, 2), "size_bytes": fts_db.stat().st_size}


def time_fts(fts_db: Path, queries: list[str], repeat: int) -> dict:
    connection = sqlite3.connect(fts_db)
    plans = {query: fts_sql(fts_parse(query)) for query in queries}

    def run(query: str) -> tuple[float, float, int]:
        where, params, ranked = plans[query]
        order = " ORDER BY rank" if ranked else ""
        t0 = time.perf_counter()
        connection.execute(f"SELECT rowid FROM fts WHERE {where}{order} LIMIT 10", params).fetchall()
        t1 = time.perf_counter()
        (count,) = connection.execute(f"SELECT count(*) FROM fts WHERE {where}", params).fetchone()
        t2 = time.perf_counter()
        return (t1 - t0) * 1000, (t2 - t1) * 1000, count

    for query in queries:
        run(query)
    top10: dict[str, list[float]] = {q: [] for q in queries}
    counting: dict[str, list[float]] = {q: [] for q in queries}
    counts: dict[str, int] = {}
    for _ in range(repeat):
        for query in queries:
            a, b, counts[query] = run(query)
            top10[query].append(a)
            counting[query].append(b)
    ids = {}
    for query in queries:
        where, params, _ = plans[query]
        ids[query] = {row[0] for row in connection.execute(f"SELECT rowid FROM fts WHERE {where}", params)}
    connection.close()
    combined = [a + b for q in queries for a, b in zip(top10[q], counting[q], strict=True)]
    return {
        "top10": summary([ms for values in top10.values() for ms in values]),
        "count": summary([ms for values in counting.values() for ms in values]),
        "top10_plus_count": summary(combined),
        "per_query_ms": {
            q: round(statistics.median(a + b for a, b in zip(top10[q], counting[q], strict=True)), 2) for q in queries
        },
        "counts": counts,
        "ids": ids,
        "scan": {q: not plans[q][2] for q in queries},
    }


# --- reporting ------------------------------------------------------------------------------


def render_markdown(results_dir: Path) -> str:
    runs = []
    for path in sorted(results_dir.glob("search-*.json")):
        try:
            runs.append(json.loads(path.read_text(encoding="utf-8")))
        except (ValueError, OSError):
            continue
    runs.sort(key=lambda r: r["articles"])
    lines = [
        "# Search benchmark",
        "",
        "Generated by `bench/search.py` (run by hand; `--articles N`, `--profile`). Synthetic corpus built",
        "from the seeds' own sentences: ~40% simplified, ~25% traditional (OpenCC s2t), ~25% English,",
        "~10% bilingual EN+ZH. Latency is wall clock around `search_articles(query=q)` (page 1, 10 per page,",
        "matching paragraphs and highlights included) against FTS5 `trigram` over OpenCC-normalised text",
        "(`SELECT rowid ... ORDER BY rank LIMIT 10` plus `count(*)`). Queries under 3 characters cannot use",
        "the trigram index: FTS5 runs them as `LIKE '%x%'` full scans (marked *scan*).",
        "",
        "| N | date | commit | machine | corpus | DB load | our index build | our index size | FTS5 build | FTS5 size "
        "| ours p50 / p95 / max | FTS5 top10+count p50 / p95 / max |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        ours, fts = r["ours"]["latency"], r["fts5"]["latency"]["top10_plus_count"]
        lines.append(
            f"| {r['articles']:,} | {r['date'][:10]} | {r.get('code', {}).get('commit', '?')} | "
            f"{r['machine']['cpus']} cores | "
            f"{r['corpus']['bytes'] / 1e6:.1f} MB ({r['corpus']['mean_article_bytes']:.0f} B/article) | "
            f"{r['timings']['db_load_s']:.1f} s | {r['ours']['index_s']:.1f} s | "
            f"{r['ours']['index_bytes'] / 1e6:.1f} MB | {r['fts5']['build_s']:.1f} s | "
            f"{r['fts5']['size_bytes'] / 1e6:.1f} MB | "
            f"{ours['p50_ms']:.1f} / {ours['p95_ms']:.1f} / {ours['max_ms']:.1f} ms | "
            f"{fts['p50_ms']:.1f} / {fts['p95_ms']:.1f} / {fts['max_ms']:.1f} ms |"
        )
    for r in runs:
        lines += [
            "",
            f"## N = {r['articles']:,}: per query",
            "",
            "Counts are matching articles; *ours only* / *FTS5 only* compare the two id sets.",
            "",
            "| query | ours count | FTS5 count | both | ours only | FTS5 only | ours median ms | FTS5 median ms |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for q in r["queries"]:
            row = r["per_query"][q]
            scan = " *scan*" if row["fts5_scan"] else ""
            lines.append(
                f"| `{q}` | {row['ours_count']:,} | {row['fts5_count']:,} | {row['both']:,} | "
                f"{row['ours_only']:,} | {row['fts5_only']:,} | {row['ours_median_ms']:.1f} | "
                f"{row['fts5_median_ms']:.1f}{scan} |"
            )
        lines += ["", f"Mean count per query (ours): {r['ours']['mean_count']:.0f}."]
        warm = r["ours"]["latency"].get("warm")
        if warm:
            lines += [
                "",
                "Our latencies above are cold: the postings cache is emptied before each timed query. "
                f"The same query straight after (warm cache): p50 {warm['p50_ms']} / p95 {warm['p95_ms']} ms.",
            ]
        if r.get("notes"):
            lines += ["", *[f"- {note}" for note in r["notes"]]]
    lines += [
        "",
        "English differs by design: ours matches Snowball stems as words (`resumption` also finds",
        "`resumptions`; `shenzhen` does not match inside `shenzhenese`), FTS5 trigram matches substrings.",
        "",
    ]
    return "\n".join(lines)


def print_table(record: dict) -> None:
    print()
    columns = ("ours", "fts5", "both", "o-only", "f-only")
    header = f"{'query':<24} " + " ".join(f"{c:>7}" for c in columns) + f" {'ours ms':>8} {'fts ms':>8}"
    print(header)
    print("-" * len(header))
    for q in record["queries"]:
        row = record["per_query"][q]
        scan = " scan" if row["fts5_scan"] else ""
        print(
            f"{q:<24} {row['ours_count']:>7} {row['fts5_count']:>7} {row['both']:>7} {row['ours_only']:>7} "
            f"{row['fts5_only']:>7} {row['ours_median_ms']:>8.1f} {row['fts5_median_ms']:>8.1f}{scan}"
        )
    ours, fts = record["ours"]["latency"], record["fts5"]["latency"]
    print()
    print(f"articles            {record['articles']:,} ({record['corpus']['bytes'] / 1e6:.2f} MB of UTF-8)")
    timings = record["timings"]
    print(f"DB load             {timings['db_load_s']:.2f} s (migrate {timings['migrate_s']:.2f} s)")
    print(f"our index build     {record['ours']['index_s']:.2f} s, {record['ours']['index_bytes'] / 1e6:.2f} MB")
    warm = record["ours"]["latency"].get("warm")
    if warm:
        print(f"ours, warm cache      p50 {warm['p50_ms']}  p95 {warm['p95_ms']}  max {warm['max_ms']} ms")
    print(f"FTS5 build          {record['fts5']['build_s']:.2f} s, {record['fts5']['size_bytes'] / 1e6:.2f} MB")
    print(f"ours                  p50 {ours['p50_ms']:.1f}  p95 {ours['p95_ms']:.1f}  max {ours['max_ms']:.1f} ms")
    for name in ("top10", "count", "top10_plus_count"):
        s = fts[name]
        print(f"FTS5 {name:<17}p50 {s['p50_ms']:.1f}  p95 {s['p95_ms']:.1f}  max {s['max_ms']:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each query")
    parser.add_argument("--seed", type=int, default=20200320)
    parser.add_argument("--data-dir", type=Path, help="empty or new directory (default: a temp dir in bench/work)")
    parser.add_argument("--keep", action="store_true", help="keep the data directory afterwards")
    parser.add_argument("--profile", action="store_true", help="cProfile the query loop; print the top 25")
    parser.add_argument("--results-dir", type=Path, default=RESULTS)
    args = parser.parse_args()

    if args.data_dir:
        data_dir = args.data_dir.resolve()
        if data_dir.exists() and any(data_dir.iterdir()):
            parser.error(f"{data_dir} is not empty")
        data_dir.mkdir(parents=True, exist_ok=True)
    else:
        WORK.mkdir(parents=True, exist_ok=True)
        data_dir = Path(tempfile.mkdtemp(prefix=f"search-{args.articles}-", dir=WORK))
    print(f"data dir: {data_dir}")
    load_at_start = [round(x, 2) for x in os.getloadavg()]  # other work on the machine skews timings

    t0 = time.perf_counter()
    setup_django(data_dir)
    from django.core.management import call_command

    from archive.search import indexing, queue

    django_s = time.perf_counter() - t0

    try:
        t0 = time.perf_counter()
        pools = build_pools()
        articles = generate(args.articles, args.seed, pools)
        generate_s = time.perf_counter() - t0
        sizes = [a.size() for a in articles]
        corpus_bytes = sum(sizes)
        print(
            f"corpus: {len(articles):,} articles, {corpus_bytes / 1e6:.2f} MB, "
            f"mean {statistics.fmean(sizes):.0f} B, median {statistics.median(sizes):.0f} B "
            f"({len(pools.simplified)} Chinese and {len(pools.english)} English seed sentences)"
        )

        t0 = time.perf_counter()
        call_command("migrate", verbosity=0)
        migrate_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        load_database(articles)
        db_load_s = time.perf_counter() - t0
        print(f"DB load: {db_load_s:.2f} s")

        t0 = time.perf_counter()
        with queue.writer_lock(blocking=True):
            indexed = indexing.rebuild()
        index_s = time.perf_counter() - t0
        index_dir = Path(os.environ["ARCHIVE_INDEX_DIR"])
        index_bytes = dir_bytes(index_dir)
        print(f"index: {indexed:,} articles in {index_s:.2f} s, {index_bytes / 1e6:.2f} MB")

        ours_latency, ours_times, ours_counts = time_ours(QUERIES, args.repeat)
        print(f"ours: p50 {ours_latency['p50_ms']:.1f} ms, p95 {ours_latency['p95_ms']:.1f} ms")

        fts_db = data_dir / "fts5.sqlite3"
        fts_build = build_fts(data_dir / "archive.sqlite3", fts_db)
        print(f"FTS5 build: {fts_build['build_s']:.2f} s ({fts_build['normalise_s']:.2f} s of it normalising)")
        fts = time_fts(fts_db, QUERIES, args.repeat)

        per_query = {}
        for query in QUERIES:
            mine = our_ids(query)
            assert len(mine) == ours_counts[query], (query, len(mine), ours_counts[query])
            theirs = fts["ids"][query]
            per_query[query] = {
                "ours_count": ours_counts[query],
                "fts5_count": fts["counts"][query],
                "both": len(mine & theirs),
                "ours_only": len(mine - theirs),
                "fts5_only": len(theirs - mine),
                "ours_only_sample": sorted(mine - theirs)[:5],
                "fts5_only_sample": sorted(theirs - mine)[:5],
                "ours_median_ms": round(statistics.median(ours_times[query]), 2),
                "ours_max_ms": round(max(ours_times[query]), 2),
                "fts5_median_ms": fts["per_query_ms"][query],
                "fts5_scan": fts["scan"][query],
            }

        zero = [q for q in QUERIES if not ours_counts[q] and not fts["counts"][q]]
        notes = [
            f"No article matches {', '.join(zero)} in either engine: the corpus is built only from the seeds' "
            "sentences, which never contain them.",
            "Bilingual articles have no translation links set (bulk load); search does not use them.",
        ]
        record = {
            "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
            "articles": args.articles,
            "seed": args.seed,
            "code": code_version(),
            "repeat": args.repeat,
            "machine": {
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "platform": platform.platform(),
                "sqlite": sqlite3.sqlite_version,
                "load_average_at_start": load_at_start,
                "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
            },
            "corpus": {
                "bytes": corpus_bytes,
                "mean_article_bytes": round(statistics.fmean(sizes), 1),
                "median_article_bytes": statistics.median(sizes),
                "paragraphs": sum(len(a.paragraphs) for a in articles),
                "languages": {k: sum(a.language == k for a in articles) for k in ("zh-Hans", "zh-Hant", "en", "mixed")},
                "seed_sentences": {"chinese": len(pools.simplified), "english": len(pools.english)},
            },
            "timings": {
                "django_setup_s": round(django_s, 2),
                "generate_s": round(generate_s, 2),
                "migrate_s": round(migrate_s, 2),
                "db_load_s": round(db_load_s, 2),
            },
            "ours": {
                "index_s": round(index_s, 2),
                "index_bytes": index_bytes,
                "latency": ours_latency,
                "mean_count": round(statistics.fmean(ours_counts.values()), 1),
            },
            "fts5": {
                **fts_build,
                "latency": {k: fts[k] for k in ("top10", "count", "top10_plus_count")},
                "mean_count": round(statistics.fmean(fts["counts"].values()), 1),
            },
            "queries": QUERIES,
            "per_query": per_query,
            "notes": notes,
        }
        print_table(record)

        args.results_dir.mkdir(parents=True, exist_ok=True)
        json_path = args.results_dir / f"search-{args.articles}.json"
        json_path.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        (args.results_dir / "search.md").write_text(render_markdown(args.results_dir), encoding="utf-8")
        print(f"\nwrote {json_path} and {args.results_dir / 'search.md'}")

        if args.profile:
            report = profile_ours(QUERIES, args.repeat)
            print()
            print(report)
            profile_path = args.results_dir / f"search-{args.articles}-profile.txt"
            profile_path.write_text(report, encoding="utf-8")
            print(f"wrote {profile_path}")
    finally:
        if not args.keep:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
