"""One non-empty line is one paragraph; positions count every such line from 1."""

from __future__ import annotations

import pytest

from archive.text.paragraphs import Line, split_paragraphs


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", []),
        ("\n\n\n", []),
        ("only line", [Line(1, "only line")]),
        ("  padded  \n\n\tsecond\n", [Line(1, "padded"), Line(2, "second")]),
        ("a\n\u00a0\n\u3000\u3000\nb", [Line(1, "a"), Line(2, "b")]),
        ("\u3000\u3000首行缩进的段落\n", [Line(1, "首行缩进的段落")]),
        ("title\n\n\n\nbody one\nbody two", [Line(1, "title"), Line(2, "body one"), Line(3, "body two")]),
        ("\u200b\n x \n", [Line(1, "x")]),
    ],
    ids=["empty", "blank-lines", "one", "strip", "nbsp-ideographic-blank", "ideographic-indent", "gaps", "zwsp"],
)
def test_split_paragraphs(text: str, expected: list[Line]) -> None:
    assert split_paragraphs(text) == expected


@pytest.mark.parametrize(
    ("seed", "count", "last"),
    [
        ("000", 13, "attachment:"),
        ("001", 14, "Privacy policy"),
        ("002", 72, "精彩推荐"),
        ("003", 83, "相關文章:"),
        ("004", 29, "营业执照公示信息"),
    ],
)
def test_seed_paragraph_counts(seeds_dir, seed: str, count: int, last: str) -> None:
    text = next(seeds_dir.glob(f"{seed}_*.txt")).read_text(encoding="utf-8")
    lines = split_paragraphs(text)
    assert [line.position for line in lines] == list(range(1, count + 1))
    assert lines[-1].text == last
