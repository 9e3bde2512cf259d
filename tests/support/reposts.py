"""Near-duplicate reposts built by rule, from the seeds and from the real corpus, and pairs that
must not be grouped (tests/test_duplicates.py, bench/duplicates.py).

A repost is what another site makes of a notice: its own header and furniture, the text with
small edits, in its own script, sometimes cut short. The builders work on a page's lines (a text
page: one non-empty line a paragraph) and say which lines are the body.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tests.support.realtext import BODY, TITLE, Page, to_taiwan

# Not tests.support.seeds.SEEDS_DIR: that module needs Django, and bench/duplicates.py runs without it.
SEED_002 = next((Path(__file__).resolve().parents[2] / "seeds").glob("002_*.txt"))

# Seed 002: a breadcrumb, the title, the time/source line and 原标题 before the body; the body
# ends before "文/唐建丰 李发英" (the credit, then the portal's junk list).
_002_HEAD = 4
_002_CREDIT = "文/唐建丰"


def seed_002_lines() -> tuple[list[str], list[str], list[str]]:
    """Seed 002's non-empty lines as (header, body, footer)."""
    lines = [line.strip() for line in SEED_002.read_text(encoding="utf-8").splitlines() if line.strip()]
    end = next(index for index, line in enumerate(lines) if line.startswith(_002_CREDIT))
    return lines[:_002_HEAD], lines[_002_HEAD:end], lines[end:]


OTHER_HEADER = [
    "首页 > 镇街动态 > 清溪",
    "打好疫情防控战 按下复产加速键",
    "发布时间：2020-04-02 09:15  信息来源：东莞日报  浏览次数：312",
]
OTHER_FOOTER = [
    "相关阅读",
    "· 东莞多措并举助企业稳岗",
    "· 松山湖园区企业复工率超九成",
    "分享到：微信 微博 QQ空间",
    "【打印本页】 【关闭窗口】",
    "版权所有 © 2020 东莞阳光网 粤ICP备05080304号",
]
EDITED_FROM = "截至3月,全镇在产企业3075家"
EDITED_TO = "截至3月底,全镇在产企业超过3000家"


def page_text(lines: Sequence[str]) -> str:
    return "\n\n".join(lines) + "\n"


def repost_edited() -> str:
    """Seed 002 as another site reposts it: its own header and junk list, one sentence edited."""
    _, body, _ = seed_002_lines()
    edited = [line.replace(EDITED_FROM, EDITED_TO) for line in body]
    assert edited != body, "the sentence to edit is no longer in seed 002"
    return page_text([*OTHER_HEADER, *edited, *OTHER_FOOTER])


def repost_traditional() -> str:
    """Seed 002 reposted by a Taiwan or Hong Kong site: all in traditional script (OpenCC s2twp)."""
    header, body, footer = seed_002_lines()
    return page_text([to_taiwan(line) for line in [*header, *body, *footer[:2]]])


def repost_truncated(*, keep: float = 0.7) -> str:
    """Seed 002 cut short: the first `keep` of its body paragraphs, under a portal's header."""
    _, body, _ = seed_002_lines()
    return page_text([*OTHER_HEADER, *body[: max(1, round(len(body) * keep))], *OTHER_FOOTER[3:]])


# --- the real corpus ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pair:
    """Two bodies (lists of body paragraphs) and whether they are copies of one another."""

    kind: str
    first: list[str]
    second: list[str]
    copies: bool


def body_lines(page: Page) -> list[str]:
    return [line.text for line in page.lines if line.role in (BODY, TITLE)]


_SENTENCE_END = re.compile(r"(?<=[。！？!?])")


def edit_one_sentence(paragraphs: list[str]) -> list[str]:
    """The longest paragraph with its middle sentence replaced by another wording of it: a
    figure changed and a clause added."""
    index = max(range(len(paragraphs)), key=lambda i: len(paragraphs[i]))
    sentences = [s for s in _SENTENCE_END.split(paragraphs[index]) if s]
    middle = len(sentences) // 2
    edited = re.sub(r"\d+", lambda m: str(int(m.group()) + 1), sentences[middle]) + "（据本网综合报道）"
    sentences[middle] = edited if edited != sentences[middle] else "据了解，" + sentences[middle]
    return [*paragraphs[:index], "".join(sentences), *paragraphs[index + 1 :]]


def truncated(paragraphs: list[str], *, keep: float) -> list[str]:
    """The text cut short at the first sentence or paragraph end after `keep` of its characters
    (where it has none, at `keep` exactly, as an excerpt ends)."""
    text = "\n".join(paragraphs)
    limit = int(len(text) * keep)
    ends = [end for mark in "。！？\n" if (end := text.find(mark, limit)) >= 0]
    cut = text[: min(ends) + 1] if ends and min(ends) < len(text) - 1 else text[:limit]
    return [line for line in cut.split("\n") if line]
