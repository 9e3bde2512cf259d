"""Near-duplicate grouping measured on real text: precision and recall of pairs labelled by rule.

Run by hand, never by the test suite:

    .venv/bin/python bench/duplicates.py                 # 600 posts; writes bench/results/duplicates.md
    .venv/bin/python bench/duplicates.py --posts 200

From the real corpus (tests/data/cctv-weibo-2020.jsonl.xz, 7,499 CCTV News posts) it samples posts
with a body of at least 120 characters and renders each as the importer reads it
(tests/support/realtext.py), then parses every page with the importer's own parser, so the
signature sees exactly the paragraphs an import keeps as searchable (archive.duplicates.signature).

Copies (labelled by rule): each sampled post as a "news" page against
- the same post as another site's HTML page ("gov" template: header, furniture, related list changed);
- that page with one sentence edited (a figure changed, a clause added), as a "briefing" page;
- the post in traditional script with Taiwan phrasing ("traditional" page, OpenCC s2twp);
- the post cut to 70% and to 50% of its text ("portal" HTML page).

Not copies (labelled by rule):
- every pair of sampled posts published on the same day;
- pairs of posts from one template ("#湖北累计确诊新冠肺炎…", "#新型肺炎确诊病例#", …: the same
  first 10 characters) whose numbers differ: daily briefings with different items.

For each threshold it prints the precision and recall of "similarity ≥ threshold" over the pairs,
then for the chosen constants (archive.duplicates) the grouping itself: all pages through
archive.duplicates.Groups (LSH candidates, then connected components), a pair counted as grouped
when both pages end in one group. Writes bench/results/duplicates.md.
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import datetime
import itertools
import random
import re
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from archive import duplicates  # noqa: E402
from archive.search.documents import index_fields  # noqa: E402
from archive.text.formats import parse_file  # noqa: E402
from archive.text.html import parse_html  # noqa: E402
from archive.text.script import title_language  # noqa: E402
from tests.support import realtext  # noqa: E402
from tests.support.reposts import edit_one_sentence, truncated  # noqa: E402

RESULTS = REPO / "bench" / "results" / "duplicates.md"
THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
REPOST_KINDS = ("header and furniture changed", "one sentence edited", "traditional", "truncated 70%", "truncated 50%")


# CPU seconds (time.process_time) of a worker's steps for every page parsed: parsing, the index
# fields (tokenising) and the signature, so the signature's share of a worker's work is measured
# in one process, under the same load.
CPU = collections.Counter()


def signature_of(page: realtext.Page) -> bytes:
    """The signature an import would store for the page (parsed by the importer's parser)."""
    started = time.process_time()
    if page.html:
        parsed = parse_html(page.data, url=page.url or "", charset=page.encoding)
    else:
        parsed = parse_file(page.data, name=Path(page.name).name)
    parsed_at = time.process_time()
    index_fields(
        title=parsed.title,
        title_language=title_language(parsed.title, article_language=parsed.language),
        paragraphs=[(p.text, p.language, p.is_boilerplate) for p in parsed.paragraphs],
    )
    tokenised_at = time.process_time()
    signature = duplicates.signature((p.text, p.is_boilerplate) for p in parsed.paragraphs)
    CPU["parse"] += parsed_at - started
    CPU["tokenise"] += tokenised_at - parsed_at
    CPU["signature"] += time.process_time() - tokenised_at
    return signature


def with_body(post: realtext.Post, body: str) -> realtext.Post:
    return dataclasses.replace(post, body=body)


def reposts(post: realtext.Post, related: list[realtext.Post]) -> dict[str, realtext.Page]:
    paragraphs = realtext.body_paragraphs(post.body)
    return {
        "header and furniture changed": realtext.render_html(post, template="gov", related=related),
        "one sentence edited": realtext.render(
            with_body(post, "".join(edit_one_sentence(paragraphs))), style="briefing", related=related[::-1]
        ),
        "traditional": realtext.render(post, style="traditional", related=related),
        "truncated 70%": realtext.render_html(
            with_body(post, "".join(truncated(paragraphs, keep=0.7))), template="portal", related=related
        ),
        "truncated 50%": realtext.render_html(
            with_body(post, "".join(truncated(paragraphs, keep=0.5))), template="portal", related=related
        ),
    }


_DIGITS = re.compile(r"\d+")


def template_pairs(posts: list[realtext.Post], *, limit: int, rng: random.Random) -> list[tuple[int, int]]:
    """Pairs of posts from one template (the same first 10 characters) with different numbers."""
    by_start: dict[str, list[realtext.Post]] = collections.defaultdict(list)
    for post in posts:
        by_start[post.body[:10]].append(post)
    pairs = [
        (a.number, b.number)
        for group in by_start.values()
        if len(group) >= 3
        for a, b in itertools.combinations(group, 2)
        if _DIGITS.findall(a.body) != _DIGITS.findall(b.body) and a.body != b.body
    ]
    rng.shuffle(pairs)
    return pairs[:limit]


def measure(scored: list[tuple[float, bool]], threshold: float) -> tuple[float, float, int, int]:
    tp = sum(score >= threshold and copy for score, copy in scored)
    fp = sum(score >= threshold and not copy for score, copy in scored)
    fn = sum(score < threshold and copy for score, copy in scored)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall, fp, fn


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=600, help="real posts sampled (default 600)")
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    started = time.perf_counter()
    uptime_before = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()

    posts = [post for post in realtext.posts() if len(post.body) >= 120]
    sample = sorted(rng.sample(posts, min(args.posts, len(posts))), key=lambda post: post.number)
    by_number = {post.number: post for post in realtext.posts()}

    signatures: dict[str, bytes] = {}
    labels: list[tuple[str, str, str, bool]] = []  # kind, first key, second key, copies?
    for post in sample:
        related = rng.sample(posts, 3)
        key = f"{post.number}/news"
        signatures[key] = signature_of(realtext.render(post, style="news", related=related))
        for kind, page in reposts(post, related).items():
            signatures[f"{post.number}/{kind}"] = signature_of(page)
            labels.append((kind, key, f"{post.number}/{kind}", True))
    by_day: dict[datetime.date, list[realtext.Post]] = collections.defaultdict(list)
    for post in sample:
        by_day[post.date].append(post)
    for day_posts in by_day.values():
        for a, b in itertools.combinations(day_posts, 2):
            labels.append(("different posts, same day", f"{a.number}/news", f"{b.number}/news", False))
    for a, b in template_pairs(list(by_number.values()), limit=args.posts, rng=rng):
        for number in (a, b):
            key = f"{number}/news"
            if key not in signatures:
                signatures[key] = signature_of(realtext.render(by_number[number], style="news"))
        labels.append(("one template, different items", f"{a}/news", f"{b}/news", False))

    scored = [(duplicates.similarity(signatures[a], signatures[b]), copy) for _, a, b, copy in labels]
    by_kind: dict[str, list[tuple[float, bool]]] = collections.defaultdict(list)
    for (kind, _, _, _), score in zip(labels, scored, strict=True):
        by_kind[kind].append(score)

    # The grouping as an import does it: every page through LSH and union-find.
    groups = duplicates.Groups()
    keys = sorted(signatures)
    number_of = {key: index for index, key in enumerate(keys)}
    grouping_started = time.process_time()
    groups.add((number_of[key], signatures[key]) for key in keys)
    grouping_seconds = time.process_time() - grouping_started
    grouped = [
        (groups.find(number_of[a]) == groups.find(number_of[b]), copy) for _, a, b, copy in labels
    ]  # fmt: skip
    grouped_by_kind: dict[str, list[tuple[bool, bool]]] = collections.defaultdict(list)
    for (kind, _, _, _), pair in zip(labels, grouped, strict=True):
        grouped_by_kind[kind].append(pair)

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=REPO)
    uptime_after = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    lines = [
        "# Near-duplicate grouping on real text",
        "",
        "Generated by `bench/duplicates.py` (run by hand; its docstring says how pairs are built and labelled).",
        f"Commit {commit.stdout.strip()}, {datetime.date.today().isoformat()}; {len(sample)} real posts sampled "
        f"(seed {args.seed}), {len(signatures)} pages parsed by the importer's parser, {len(labels)} labelled pairs;",
        f"load before: `{uptime_before}`; after: `{uptime_after}`; {time.perf_counter() - started:.0f} s in all.",
        "",
        f"Constants (archive/duplicates.py): {duplicates.SHINGLE}-character shingles of the normalised body "
        f"(furniture dropped), {duplicates.NUM_PERM} permutations, similarity = Jaccard, or the containment of the "
        f"shorter body when it is at least {duplicates.MIN_RATIO:.0%} of the longer; LSH threshold "
        f"{duplicates.LSH_THRESHOLD}; grouped from similarity {duplicates.THRESHOLD}.",
        "",
        "## Pairs by threshold (similarity ≥ t, before LSH and grouping)",
        "",
        "| threshold | precision | recall | false positives | false negatives |",
        "|---:|---:|---:|---:|---:|",
    ]
    for threshold in THRESHOLDS:
        precision, recall, fp, fn = measure(scored, threshold)
        chosen = " (chosen)" if threshold == duplicates.THRESHOLD else ""
        lines.append(f"| {threshold}{chosen} | {precision:.3f} | {recall:.3f} | {fp} | {fn} |")
    lines += [
        "",
        "## Similarity by kind of pair",
        "",
        "| pair | label | pairs | min | median | max |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for kind, values in by_kind.items():
        ordered = sorted(score for score, _ in values)
        label = "copies" if values[0][1] else "not copies"
        lines.append(
            f"| {kind} | {label} | {len(ordered)} | {ordered[0]:.3f} | {ordered[len(ordered) // 2]:.3f} | "
            f"{ordered[-1]:.3f} |"
        )
    tp = sum(same and copy for same, copy in grouped)
    fp = sum(same and not copy for same, copy in grouped)
    fn = sum(not same and copy for same, copy in grouped)
    lines += [
        "",
        f"## The grouping (LSH candidates, similarity ≥ {duplicates.THRESHOLD}, connected components)",
        "",
        f"Precision {tp / max(1, tp + fp):.3f}, recall {tp / max(1, tp + fn):.3f} "
        f"({tp} copies grouped, {fn} copies missed, {fp} non-copies grouped); "
        f"{len(groups.groups())} groups.",
        "",
        "| pair | label | pairs | grouped |",
        "|---|---|---:|---:|",
    ]
    for kind, values in grouped_by_kind.items():
        label = "copies" if values[0][1] else "not copies"
        lines.append(f"| {kind} | {label} | {len(values)} | {sum(same for same, _ in values)} |")
    worker = CPU["parse"] + CPU["tokenise"]
    pages = len(signatures)
    lines += [
        "",
        "## Cost at import (CPU seconds in this process, same load for every step)",
        "",
        "| step | CPU s | ms a page | share of a worker's parse + tokenise |",
        "|---|---:|---:|---:|",
        *(
            f"| {step} | {seconds:.2f} | {seconds / pages * 1000:.2f} | {seconds / worker:.1%} |"
            for step, seconds in (
                ("parse", CPU["parse"]),
                ("tokenise (index fields)", CPU["tokenise"]),
                ("signature (worker)", CPU["signature"]),
                ("grouping: LSH + union-find (importing process)", grouping_seconds),
            )
        ),
    ]
    wrong = [
        (kind, a, b, score)
        for (kind, a, b, copy), (score, _), (same, _) in zip(labels, scored, grouped, strict=True)
        if same != copy
    ]
    if wrong:
        lines += ["", "Mistakes (post number/page):", ""]
        lines += [f"- {kind}: {a} ~ {b} (similarity {score:.3f})" for kind, a, b, score in wrong[:20]]
    text = "\n".join(lines) + "\n"
    args.output.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
