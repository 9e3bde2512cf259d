"""What near-duplicate grouping adds to an import, by hand (not part of the suite).

    .venv/bin/python bench/grouping_cost.py --pages 3500 --rounds 5

Renders N real pages (tests/support/realtext.py, as bench/import.py does) once, then imports them
into fresh data directories (SQLite, Whoosh) with grouping on and off in turn, alternating which
goes first: `import_seeds` through call_command in a fresh process each time, timed from the
command's start (Django set up before), so both sides pay the same start-up. "Off" returns no
signature from archive.duplicates.signature (so the workers compute none) and makes
archive.copies.Grouping.apply do nothing. Writes bench/results/grouping-cost.md with the medians,
every run, the commit and the machine's load.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import REPO, RESULTS, commit_of, load_of, own_env, render, uptime

CHILD = r"""
import os, sys, time
sys.path.insert(0, sys.argv[3])
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
import django

django.setup()
from io import StringIO

from django.core.management import call_command

if sys.argv[2] == "off":
    from archive import copies, duplicates

    duplicates.signature = lambda paragraphs: b""
    copies.Grouping.apply = lambda self, *, article_ids: None
started = time.perf_counter()
call_command("import_seeds", sys.argv[1], stdout=StringIO())
print(time.perf_counter() - started)
"""


def run_once(folder: Path, work: Path, mode: str) -> float:
    data = work / f"data-{mode}"
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir()
    env = own_env(data)
    subprocess.run([sys.executable, str(REPO / "manage.py"), "migrate", "-v0"], env=env, check=True, cwd=REPO)
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(folder), mode, str(REPO)],
        env=env, capture_output=True, text=True, check=True, cwd=REPO,
    )  # fmt: skip
    return float(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=3500)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="grouping-cost-") as scratch:
        work = Path(scratch)
        folder = work / "pages"
        render(args.pages, folder)
        before = uptime()
        runs: dict[str, list[float]] = {"on": [], "off": []}
        for round_ in range(args.rounds):
            for mode in ("off", "on") if round_ % 2 else ("on", "off"):
                runs[mode].append(round(run_once(folder, work, mode), 2))
                print(mode, runs[mode][-1], flush=True)
        after = uptime()
    on, off = statistics.median(runs["on"]), statistics.median(runs["off"])
    added = (on / off - 1) * 100
    print(f"median with grouping {on:.2f} s, without {off:.2f} s: +{added:.1f}%")
    lines = [
        "# What near-duplicate grouping adds to an import",
        "",
        f"`bench/grouping_cost.py --pages {args.pages} --rounds {args.rounds}` (see its docstring): `import_seeds` on",
        f"{args.pages:,} real pages, grouping on and off in turn, {args.rounds} rounds. Commit {commit_of(REPO)},",
        f"load {load_of(before)} before, {load_of(after)} after, {os.cpu_count()} CPUs.",
        "",
        "| | median | runs |",
        "|---|---:|---|",
        f"| grouping on | {on:.2f} s | {', '.join(map(str, runs['on']))} |",
        f"| grouping off | {off:.2f} s | {', '.join(map(str, runs['off']))} |",
        "",
        f"Grouping adds {added:.1f}% to the import (the budget: 20%).",
        "",
    ]
    (RESULTS / "grouping-cost.md").write_text("\n".join(lines), encoding="utf-8")
    (RESULTS / "grouping-cost.json").write_text(json.dumps({"pages": args.pages, **runs}) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
