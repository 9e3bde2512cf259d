"""Units, runs and token streams of normalised text (archive.text.tokenise), as tables."""

from __future__ import annotations

import pytest

from archive.text.normalise import normalise
from archive.text.regional import document_forms, query_forms
from archive.text.tokenise import char_grams, long_grams, runs, word_tokens


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("华强北", [("华", "强", "北")]),
        ("1月27日", [("1", "月", "27", "日")]),
        ("新增确诊21例，治愈3人", [("新", "增", "确", "诊", "21", "例"), ("治", "愈", "3", "人")]),
        ("2.5亿元", [("2.5", "亿", "元")]),
        ("2020.03.04 通报", [("2020.03.04",), ("通", "报")]),
        ("COVID-19", [("covid",), ("19",)]),
        ("H1N1 流感", [("h1n1",), ("流", "感")]),
        ("5G基站", [("5g", "基", "站")]),
        ("福田CBD人流", [("福", "田", "cbd", "人", "流")]),
        ("3.17 members", [("3.17",), ("members",)]),
        ("第１６条", [("第", "16", "条")]),  # full-width digits fold to ASCII
        ("。、！", []),
    ],
)
def test_runs_are_units_typed_without_anything_between(text, expected):
    assert [run.unit_texts for run in runs(normalise(text))] == expected


@pytest.mark.parametrize(
    ("units", "pairs", "grams"),
    [
        (("华", "强", "北"), ["华强", "强北", "北"], ["华强北"]),
        (("1", "月", "27", "日"), ["1月", "月27", "27日", "日"], ["1月27", "月27日", "1月27日"]),
        (("7", "万"), ["7万", "万"], []),
    ],
)
def test_pairs_and_grams_are_made_of_whole_units(units, pairs, grams):
    assert char_grams(units) == pairs
    assert long_grams(units) == grams


def test_a_number_is_one_unit_so_a_shorter_number_is_not_a_pair_of_a_longer_one():
    (run,) = runs(normalise("超47万"))
    assert "7万" not in char_grams(run.unit_texts)
    assert "47万" in char_grams(run.unit_texts)


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("确诊21例", ["确诊", "21", "例"]),
        ("福田CBD人流", ["福田", "cbd", "人流"]),
        ("resumptions", ["resumpt"]),
    ],
)
def test_word_tokens_are_jieba_words_and_stems(text, tokens):
    assert [token for run in runs(normalise(text)) for token in word_tokens(run)] == tokens


@pytest.mark.parametrize(
    ("query", "forms"),
    [
        ("紐西蘭", ["新西兰"]),
        ("資訊", ["信息"]),
        ("軟體", ["软件"]),
        ("小程式", ["小程序"]),
        ("統計資料", ["统计数据"]),
        ("部落格", ["博客"]),
        # Already mainland wording, or no regional phrase: nothing more to look for.
        ("新西兰", []),
        ("软件", []),
        ("复工复产", []),
        ("復工復產", []),
        # Mainland 小程序 is not Taiwan's 程序 ("process"): s2twp would not leave it as it is.
        ("小程序", []),
    ],
)
def test_a_query_in_taiwan_wording_is_also_read_in_mainland_wording(query, forms):
    assert query_forms(query) == forms


def test_only_traditional_paragraphs_have_phrase_level_forms():
    assert document_forms("我們去紐西蘭查資訊", language="zh-Hant") == ["我们去新西兰查信息"]
    assert document_forms("我们去新西兰查信息", language="zh-Hans") == []
    assert document_forms("小程序上线", language="zh-Hans") == []
