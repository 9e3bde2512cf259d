"""Language and script per paragraph and per article."""

from __future__ import annotations

import pytest

from archive.text.script import article_language, chinese_script_of, paragraph_language


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Daily Briefing on Fighting against COVID-19", "en"),
        ("深圳政府六部门联合开展“售后服务”", "zh-Hans"),
        ("精度、力度、溫度!福田推一攬子解決方案", "zh-Hant"),
        ("一如往年,這個冬天不太冷", "zh-Hant"),
        ("2月23日", "zh-Hans"),  # no telling character: the tie goes to simplified
        ("福田CBD人流如织", "zh-Hans"),
        ("dx12和dx11_dx12 DX版本", "zh-Hans"),
        ("chrome os操作系统_chrome 17", "en"),
        ("· 2022-12-07 15:58:54", "und"),
        ("", "und"),
    ],
)
def test_paragraph_language(text: str, expected: str) -> None:
    assert paragraph_language(text) == expected


def test_ambiguous_chinese_takes_the_default_script() -> None:
    assert paragraph_language("2月23日", chinese_default="zh-Hant") == "zh-Hant"
    assert paragraph_language("溫度", chinese_default="zh-Hans") == "zh-Hant"


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["這個冬天不太冷", "2月23日", "一條喜訊在華強北的市場商戶間傳開了"], "zh-Hant"),
        (["这个冬天不太冷", "一条喜讯"], "zh-Hans"),
        (["2月23日"], "zh-Hans"),
    ],
)
def test_chinese_script_of(texts: list[str], expected: str) -> None:
    assert chinese_script_of(texts) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (["First item in English.", "第一条中文。", "Second item.", "第二条。"], "mixed"),
        (["An English article.", "With several paragraphs.", "And one 中文 word."], "en"),
        (["一篇中文文章。", "第二段。", "Source: sznews.com"], "zh-Hans"),
        (["繁體中文的文章。", "第二段落。"], "zh-Hant"),
        (["English " * 50, "中文。", "More English text."], "en"),
        ([], "und"),
        (["12345"], "und"),
    ],
    ids=["bilingual", "english", "simplified", "traditional", "one-chinese-line", "empty", "digits"],
)
def test_article_language(body: list[str], expected: str) -> None:
    assert article_language(body) == expected
