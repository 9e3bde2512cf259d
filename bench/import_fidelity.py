"""Import fidelity on real text: does the importer keep what real pages say, and flag what they wrap it in?

Run by hand, never by the test suite:

    .venv/bin/python bench/import_fidelity.py                      # the code of this checkout
    .venv/bin/python bench/import_fidelity.py --code /tmp/before --label before --commit 5da89e9

It renders the real corpus (tests/data/cctv-weibo-2020.jsonl.xz, 7,499 posts) with
tests/support/realtext.py: every post once as a text page (the seeds' three styles, in turn) and
`--html` posts as HTML pages of the three site templates, each page knowing by construction its
title, date, source, site and the role of every line. It imports them with the users' command
(`manage.py import_seeds <dir>`, in a subprocess, from the checkout given by --code) into a
throwaway ARCHIVE_DATA_DIR, reads the resulting database with sqlite3 (so any version of the
schema can be measured), runs searches for furniture words through the search service, and
counts:

- pages naming a source that keep it (as Article.source);
- pages printing no year that got one anyway, from their text rather than from evidence (their
  URL, or dated pages of the same named source and folder);
- furniture lines left searchable (stored unflagged), and body lines lost to furniture;
- titles right; for HTML pages, the site (host) kept beside the source.

Results go to bench/results/import-fidelity.json (one entry per --label) and are summarised in
bench/results/import-fidelity.md.
"""

from __future__ import annotations

import argparse
import collections
import datetime
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results"
sys.path.insert(0, str(REPO))

from tests.support import realtext  # noqa: E402  (the renderer of this checkout, whatever code is measured)

# Furniture words searched as a user would; no rendered page holds them in its own text.
FURNITURE_QUERIES = [
    "返回首页",
    "打印本页",
    "关闭窗口",
    "分享到",
    "Share this article",
    "网站标识码",
    "字号",
    "相关新闻",
]

_SEARCH_SCRIPT = """
import json, sys
from archive.search.results import search_articles
out = {}
for query in json.loads(sys.stdin.read()):
    page = search_articles(query=query, per_page=100)
    out[query] = {"count": page.count, "files": [hit.article.source_file for hit in page.results]}
print("BENCH-JSON" + json.dumps(out, ensure_ascii=False))
"""


def clean(text: str) -> str:
    return " ".join(text.split()).strip("\u200b\u200c\u200d\u2060\ufeff")


def render(*, text_count: int | None, html_count: int, html_start: int) -> list[realtext.Page]:
    pages = list(realtext.pages(count=text_count, styles=realtext.STYLES))
    pages += realtext.pages(count=html_count, styles=realtext.HTML_STYLES, start=html_start)
    return pages


def run(cmd: list[str], *, cwd: Path, env: dict, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=cwd, env=env, input=stdin, capture_output=True, text=True, check=False)


def measure(args) -> dict:
    code = Path(args.code).resolve()
    python = str(Path(args.python).resolve()) if args.python else str(REPO / ".venv" / "bin" / "python")
    work = Path(tempfile.mkdtemp(prefix="import-fidelity-"))
    pages_dir, data_dir = work / "pages", work / "data"
    env = {**os.environ, "ARCHIVE_DATA_DIR": str(data_dir), "DJANGO_DEBUG": "0", "ARCHIVE_LOG_LEVEL": "WARNING"}
    env.setdefault("DJANGO_SECRET_KEY", "bench-only-not-a-secret-" + "x" * 40)
    for name in ("DATABASE_URL", "SEARCH_URL", "ARCHIVE_INDEX_DIR"):
        env.pop(name, None)
    try:
        started = time.perf_counter()
        pages = render(text_count=args.text, html_count=args.html, html_start=args.html_start)
        realtext.write_pages(pages_dir, pages)
        rendered_s = time.perf_counter() - started
        migrate = run([python, "manage.py", "migrate", "--noinput"], cwd=code, env=env)
        if migrate.returncode:
            raise SystemExit(migrate.stderr)
        started = time.perf_counter()
        imported = run([python, "manage.py", "import_seeds", str(pages_dir)], cwd=code, env=env)
        import_s = time.perf_counter() - started
        summary = imported.stdout.strip().splitlines()[-1] if imported.stdout.strip() else imported.stderr[-500:]
        print(f"import: {summary} ({import_s:.0f} s)", flush=True)
        counts = count(pages, data_dir / "archive.sqlite3")
        queries = FURNITURE_QUERIES + related_queries(pages, n=args.related_queries)
        searched = run(
            [python, "manage.py", "shell", "-c", _SEARCH_SCRIPT], cwd=code, env=env, stdin=json.dumps(queries)
        )
        marker = [line for line in searched.stdout.splitlines() if line.startswith("BENCH-JSON")]
        if not marker:
            raise SystemExit(f"search failed: {searched.stderr[-2000:]}")
        counts["search"] = search_counts(pages, json.loads(marker[0].removeprefix("BENCH-JSON")))
        counts["timing"] = {"render_s": round(rendered_s, 1), "import_s": round(import_s, 1)}
        if args.trafilatura:
            counts["trafilatura"] = metadata_by_trafilatura(pages)
        counts["import_summary"] = summary
        return counts
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"kept {work}")


def count(pages: list[realtext.Page], database: Path) -> dict:
    db = sqlite3.connect(database)
    columns = {row[1] for row in db.execute("PRAGMA table_info(archive_article)")}
    site_column = "a.site" if "site" in columns else "''"
    articles = {
        row[0]: row[1:]
        for row in db.execute(
            f"SELECT a.source_file, a.id, a.title, s.name, a.pub_year, a.pub_month, a.pub_day, "
            f"a.pub_year_inferred, {site_column} "
            "FROM archive_article a LEFT JOIN archive_source s ON s.id = a.source_id"
        )
    }
    paragraphs: dict[int, list[tuple[str, bool]]] = collections.defaultdict(list)
    for article_id, text, flagged in db.execute(
        "SELECT article_id, text, is_boilerplate FROM archive_paragraph ORDER BY article_id, position"
    ):
        paragraphs[article_id].append((clean(text), bool(flagged)))
    wanted = realtext.imported_dates(pages)

    by_kind: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    examples: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for page in pages:
        kind = "html" if page.html else "text"
        tally = by_kind[kind]
        tally["pages"] += 1
        row = articles.get(page.name)
        if row is None:
            tally["not imported"] += 1
            continue
        article_id, title, source, year, month, day, inferred, site = row
        tally["titles right"] += title == page.title
        if page.source:
            tally["pages naming a source"] += 1
            tally["sources kept"] += source == page.source
            if source != page.source:
                examples["source lost"][f"{page.source} → {source or '∅'}"] += 1
        else:
            tally["sources invented"] += source is not None and kind == "text"
        if kind == "html":
            tally["sites right"] += (site or "") == page.site
        want = wanted[page.name]
        tally["dates right"] += (year, month, day, bool(inferred)) == want
        if page.year is None or page.year_inferred:  # the page prints no year
            tally["pages printing no year"] += 1
            if want[0] is None:  # … and there is no evidence for one
                tally["years from text"] += year is not None
            else:  # its URL or dated neighbours of the same source give one
                tally["years from evidence wanted"] += 1
                tally["years from evidence"] += year == want[0] and bool(inferred)
        page_leaks = 0
        for line, is_flagged in zip(page.lines, line_flags(page, paragraphs[article_id]), strict=True):
            text = clean(line.text)
            if is_flagged is None:
                tally["lines missing"] += 1
                continue
            if line.role == realtext.BOILERPLATE:
                tally["furniture lines"] += 1
                if not is_flagged:
                    tally["furniture lines searchable"] += 1
                    page_leaks += 1
                    examples["furniture searchable"][text[:40]] += 1
            elif line.role in (realtext.BODY, realtext.TITLE):
                tally["body lines"] += 1
                if is_flagged:
                    tally["body lines flagged"] += 1
                    examples["body flagged"][text[:40]] += 1
        tally["pages with searchable furniture"] += page_leaks > 0
    return {
        "counts": {kind: dict(tally) for kind, tally in by_kind.items()},
        "examples": {name: counter.most_common(8) for name, counter in examples.items()},
    }


def metadata_by_trafilatura(pages: list[realtext.Page]) -> dict:
    """Title, date and site name of the HTML pages: ours (archive.text.html) against trafilatura.extract_metadata."""
    import trafilatura

    from archive.text.html import decode_html, parse_html

    tally: collections.Counter = collections.Counter()
    started = {"ours": 0.0, "trafilatura": 0.0}
    for page in pages:
        if not page.html:
            continue
        tally["pages"] += 1
        text, _ = decode_html(page.data)
        clock = time.perf_counter()
        found = trafilatura.extract_metadata(text)
        started["trafilatura"] += time.perf_counter() - clock
        clock = time.perf_counter()
        ours = parse_html(page.data)
        started["ours"] += time.perf_counter() - clock
        want_date = (page.year, page.month, page.day) if page.year else None
        found_date = tuple(int(part) for part in found.date.split("-")) if found and found.date else None
        tally["trafilatura titles right"] += bool(found) and found.title == page.title
        tally["trafilatura dates right"] += found_date == want_date
        tally["trafilatura sitename is the source"] += bool(found) and found.sitename == page.source
        tally["ours titles right"] += ours.title == page.title
        tally["ours dates right"] += (
            (ours.pub_year, ours.pub_month, ours.pub_day) if ours.pub_year else None
        ) == want_date
        tally["ours sources right"] += ours.source_name == page.source
    return {**tally, "ours_s": round(started["ours"], 1), "trafilatura_s": round(started["trafilatura"], 1)}


def line_flags(page: realtext.Page, stored: list[tuple[str, bool]]) -> list[bool | None]:
    """The flag of each line's stored paragraph (None: not stored as such).

    Paragraphs are matched by position when the stored page has exactly the page's lines (one line,
    one paragraph); else by text, a line counting as unflagged if any paragraph with its text is.
    """
    texts = [clean(line.text) for line in page.lines]
    if [text for text, _ in stored] == texts:
        return [flag for _, flag in stored]
    by_text: dict[str, bool] = {}
    for text, flag in stored:
        by_text[text] = by_text.get(text, True) and flag
    return [by_text.get(text) for text in texts]


def related_queries(pages: list[realtext.Page], *, n: int) -> list[str]:
    """Phrase searches for the first title of sampled pages' related lists (the next post's headline)."""
    posts = realtext.posts()
    sample = random.Random(15).sample(pages, n)
    return [
        '"' + realtext.headline(posts[(page.post.number + 1) % len(posts)]).replace('"', " ") + '"' for page in sample
    ]


def search_counts(pages: list[realtext.Page], results: dict) -> dict:
    """Per query: articles found, and how many of them hold the words only in their furniture."""
    from archive.text.normalise import normalise

    def letters(text: str) -> str:  # the search ignores punctuation and spacing
        return "".join(char for char in normalise(text) if char.isalnum())

    own_text = {page.name: letters(" ".join(page.searchable)) for page in pages}
    out = {}
    for query, found in results.items():
        wanted = letters(query)
        wrong = [name for name in found["files"] if wanted not in own_text.get(name, "")]
        out[query] = {"found": found["count"], "found by furniture": len(wrong)}
    return out


def write_markdown(entries: dict) -> None:
    lines = [
        "# Import fidelity on real pages",
        "",
        "Generated by `bench/import_fidelity.py` (run by hand). Every post of the real corpus",
        "(tests/data/cctv-weibo-2020.jsonl.xz) rendered once as a text page in the seeds' three styles",
        "(briefing `From: X | Updated:`, news `时间:… 来源:X 作者:`, traditional `MM.DD title` with no year),",
        "plus HTML pages of three site templates (gov, portal, county), imported with",
        "`manage.py import_seeds <dir>` into a throwaway data directory. What each page says (title,",
        "date, source, site, the role of each line) is known by construction (tests/support/realtext.py).",
        "",
        '- *sources kept*: pages that name a source (`来源:X`, `From: X |`, `<meta name="source">`, ...)',
        "  imported with that source;",
        "- *years from text*: pages printing no year, with no evidence for one (no year in their URL, no",
        "  dated page of the same named source in their folder), imported with a year anyway;",
        "- *furniture searchable*: lines of page furniture (navigation, share bars, related lists, footers)",
        "  stored unflagged, so that a search for their words finds the page;",
        "- *found by furniture*: articles a search returned that hold the query only in their furniture.",
        "",
        "| run | commit | date | load (uptime) | pages (text + HTML) | import | sources kept | years from text | "
        "furniture lines searchable (pages) | body lines flagged | titles right | HTML sites right |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for label, entry in entries.items():
        text, html = entry["counts"].get("text", {}), entry["counts"].get("html", {})

        def both(name: str, text=text, html=html) -> str:
            return f"{text.get(name, 0):,} + {html.get(name, 0):,}"

        lines.append(
            f"| {label} | {entry['commit']} | {entry['date']} | {entry['uptime']} | {both('pages')} | "
            f"{entry['timing']['import_s']:.0f} s | {both('sources kept')} of {both('pages naming a source')} | "
            f"{both('years from text')} of {both('pages printing no year')} | "
            f"{both('furniture lines searchable')} of {both('furniture lines')} "
            f"({both('pages with searchable furniture')}) | {both('body lines flagged')} of {both('body lines')} | "
            f"{both('titles right')} | {html.get('sites right', 0):,} of {html.get('pages', 0):,} |"
        )
    lines += ["", "Counts are *text pages + HTML pages*.", ""]
    for label, entry in entries.items():
        lines += [f"## {label}", "", f"`{entry['import_summary']}`", ""]
        lines += ["| kind | " + " | ".join(sorted({k for c in entry["counts"].values() for k in c})) + " |"]
        keys = sorted({k for c in entry["counts"].values() for k in c})
        lines += ["|---|" + "---:|" * len(keys)]
        for kind, tally in sorted(entry["counts"].items()):
            lines += [f"| {kind} | " + " | ".join(f"{tally.get(k, 0):,}" for k in keys) + " |"]
        lines += ["", "| search | articles found | found by furniture only |", "|---|---:|---:|"]
        for query, found in entry["search"].items():
            lines += [f"| `{query}` | {found['found']:,} | {found['found by furniture']:,} |"]
        if trafilatura := entry.get("trafilatura"):
            lines += [
                "",
                f"HTML metadata on the {trafilatura['pages']} HTML pages, this code against "
                "`trafilatura.extract_metadata` (a page's date without its year counts as no date):",
                "",
                "| | titles right | dates right | source right | seconds |",
                "|---|---:|---:|---:|---:|",
                f"| ours (archive.text.html) | {trafilatura['ours titles right']} | {trafilatura['ours dates right']} "
                f"| {trafilatura['ours sources right']} | {trafilatura['ours_s']} (whole parse) |",
                f"| trafilatura.extract_metadata | {trafilatura['trafilatura titles right']} "
                f"| {trafilatura['trafilatura dates right']} | {trafilatura['trafilatura sitename is the source']} "
                f"(sitename) | {trafilatura['trafilatura_s']} |",
            ]
        for name, examples in entry["examples"].items():
            if examples:
                shown = "; ".join(f"{text} ({n})" for text, n in examples)
                lines += ["", f"Most frequent *{name}*: {shown}"]
        lines.append("")
    (RESULTS / "import-fidelity.md").write_text("\n".join(lines), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--code", default=str(REPO), help="the checkout whose manage.py imports (default: this one)")
    parser.add_argument("--python", default="", help="the Python to run it with (default: this checkout's .venv)")
    parser.add_argument("--label", default="after", help="the name of this run in the results")
    parser.add_argument("--commit", default="", help="the commit measured (default: git rev-parse of --code)")
    parser.add_argument("--text", type=int, default=None, help="text pages to render (default: every post)")
    parser.add_argument("--html", type=int, default=300, help="HTML pages to render (default 300)")
    parser.add_argument("--html-start", type=int, default=3000, help="first post rendered as HTML")
    parser.add_argument("--related-queries", type=int, default=40, help="searches for related-list titles")
    parser.add_argument("--keep", action="store_true", help="keep the rendered pages and data directory")
    parser.add_argument(
        "--trafilatura", action="store_true", help="also compare this checkout's HTML metadata with trafilatura's"
    )
    args = parser.parse_args()
    commit = (
        args.commit
        or subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=args.code, capture_output=True, text=True
        ).stdout.strip()
    )
    uptime_before = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    result = measure(args)
    result.update(
        commit=commit,
        date=datetime.date.today().isoformat(),
        uptime=uptime_before.split("load average:")[-1].strip(),
        uptime_line=uptime_before,
    )
    store = RESULTS / "import-fidelity.json"
    entries = json.loads(store.read_text(encoding="utf-8")) if store.exists() else {}
    entries[args.label] = result
    store.write_text(json.dumps(entries, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    write_markdown(entries)
    print(json.dumps(result["counts"], ensure_ascii=False, indent=1))
    print(json.dumps(result["search"], ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
