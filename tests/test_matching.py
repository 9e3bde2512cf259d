"""Finding a query in one paragraph (archive.search.matching) and marking it (archive.search.highlight)."""

from __future__ import annotations

import pytest

from archive.search.highlight import highlight, merge_spans, snippet
from archive.search.matching import ParagraphText, match_paragraph
from archive.search.query import parse


def marked(query: str, text: str, *, language: str = "zh-Hans") -> str:
    """The paragraph as the results show it: escaped, with the query's matches in <mark>."""
    match = match_paragraph(parse(query), ParagraphText(text, language=language))
    return str(highlight(text, match.spans if match else []))


@pytest.mark.parametrize(
    ("query", "text", "expected"),
    [
        # A run typed without spaces matches only contiguously, a number only as a whole number.
        ("1月27日", "1月27日，新增确诊21例", "<mark>1月27日</mark>，新增确诊21例"),
        ("1月27日", "11月27日发布", "11月27日发布"),
        ("1月27日", "1月2日至27日", "1月2日至27日"),
        ("21例", "新增确诊121例", "新增确诊121例"),
        ("21例", "新增确诊21例", "新增确诊<mark>21例</mark>"),
        ("7万", "常住人口超47万", "常住人口超47万"),
        ("47万", "常住人口超47万", "常住人口超<mark>47万</mark>"),
        ("2.5亿元", "达12.5亿元", "达12.5亿元"),
        ("2.5亿元", "达2.5亿元", "达<mark>2.5亿元</mark>"),
        ("5亿元", "达2.5亿元", "达2.5亿元"),
        ("第16条", "第16条规定", "<mark>第16条</mark>规定"),
        ("第16条", "第160条规定", "第160条规定"),
        ("5G", "5G基站", "<mark>5G</mark>基站"),
        ("5G", "15G基站", "15G基站"),
        ("H1N1", "甲型H1N1流感", "甲型<mark>H1N1</mark>流感"),
        ("COVID-19", "COVID-19 疫情", "<mark>COVID-19</mark> 疫情"),
        ("COVID-19", "COVID-2019 疫情", "COVID-2019 疫情"),
        # Han characters need no boundary: a substring is found inside a longer word.
        ("强北", "華強北商戶", "華<mark>強北</mark>商戶"),
        ("月27", "1月27日", "1<mark>月27</mark>日"),
        # Markup in the text is escaped, inside and outside the mark.
        ("口罩", "<b>口罩</b>", "&lt;b&gt;<mark>口罩</mark>&lt;/b&gt;"),
    ],
)
def test_a_match_is_marked_only_where_the_index_would_match(query, text, expected):
    assert marked(query, text) == expected


@pytest.mark.parametrize(
    ("query", "text", "expected"),
    [
        # A mainland query finds Taiwan wording, and the original phrase is marked.
        ("新西兰", "前往紐西蘭旅遊", "前往<mark>紐西蘭</mark>旅遊"),
        ("信息", "發佈疫情資訊", "發佈疫情<mark>資訊</mark>"),
        ("软件", "下載防疫軟體", "下載防疫<mark>軟體</mark>"),
        # A phrase that changes length is marked whole.
        ("博客", "他的部落格很紅", "他的<mark>部落格</mark>很紅"),
        # Substrings of the original wording still match it.
        ("纽西", "前往紐西蘭旅遊", "前往<mark>紐西</mark>蘭旅遊"),
        # A Taiwan query finds the mainland wording too.
        ("紐西蘭", "前往新西兰旅游", "前往<mark>新西兰</mark>旅游"),
    ],
)
def test_regional_wording_is_bridged_both_ways(query, text, expected):
    language = "zh-Hans" if text == "前往新西兰旅游" else "zh-Hant"
    assert marked(query, text, language=language) == expected


def test_regional_forms_of_simplified_text_are_not_made():
    # tw2sp would read mainland 小程序 as Taiwan's 程序 ("process" → 进程): simplified text is only itself.
    assert marked("进程", "微信小程序上线", language="zh-Hans") == "微信小程序上线"


def test_a_pinyin_reading_is_marked_on_the_characters_it_reads():
    from archive.search.query import pinyin_term

    parsed = parse("x")
    parsed.groups = [[pinyin_term(["fu", "gong"], raw="fugong")]]
    match = match_paragraph(parsed, ParagraphText("推进复工复产"))
    assert str(highlight("推进复工复产", match.spans)) == "推进<mark>复工</mark>复产"
    assert match.pinyin_words == ["复工"]


def test_merge_spans_joins_overlapping_and_touching_spans():
    assert merge_spans([(5, 7), (0, 2), (1, 3), (3, 4)]) == [(0, 4), (5, 7)]


def test_a_snippet_is_a_window_around_the_first_match_with_ellipses():
    text = "前" * 300 + "口罩" + "后" * 300
    shown = str(snippet(text, [(300, 302)]))
    assert shown.startswith("…") and shown.endswith("…")
    assert "<mark>口罩</mark>" in shown
    assert len(shown.replace("<mark>", "").replace("</mark>", "")) == 240 + 2
