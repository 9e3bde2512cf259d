"""Reaching across languages: glossary expansion and pinyin, table-driven."""

from __future__ import annotations

import pytest

from archive.glossary import read_glossary
from archive.models import Paragraph
from archive.search import rewrite
from archive.search.cedict import cedict, english_key, plain_gloss
from archive.search.query import make_term, parse
from archive.search.results import search_articles
from archive.text.normalise import normalise
from archive.text.pinyin import SYLLABLES, is_pinyin, is_toned, split_pinyin, syllables_of
from tests.support.seeds import RANKING_DIR, found_files, import_and_index, import_texts


def numbers(query: str, **kwargs) -> set[str]:
    page = search_articles(query=query, per_page=100, **kwargs)
    return {hit.article.source_file.rsplit("/", 1)[-1][:3] for hit in page.results}


@pytest.fixture
def seeded(db, seeds_dir):
    import_and_index(seeds_dir)


def mentioning(seeds_dir, *needles: str) -> set[str]:
    found = set()
    for path in sorted(seeds_dir.iterdir()):
        text = normalise(path.read_text(encoding="utf-8", errors="replace"))
        if any(needle.lower() in text for needle in needles):
            found.add(path.name[:3])
    return found


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("mask", {"002", "003"}),
        ("work resumption", {"000", "002", "003"}),
        ("Dongguan", {"002", "004"}),
    ],
)
def test_expansion_finds_the_other_language(seeded, query, expected):
    assert numbers(query, expand=True) == expected


def test_shenzhen_expanded_finds_every_article_mentioning_it(seeded, seeds_dir):
    assert numbers("Shenzhen", expand=True) == mentioning(seeds_dir, "深圳", "shenzhen")


def test_expansions_are_explained_and_can_be_dropped(seeded):
    page = search_articles(query="mask", expand=True)
    entries = [e["entry"] for e in page.explain["expansions"]]
    assert entries[0] == "口罩" and "口罩" in page.explain["expansions"][0]["added"]
    one_dropped = search_articles(query="mask", expand=True, drop=["口罩"])
    assert [e["entry"] for e in one_dropped.explain["expansions"]] == entries[1:]
    dropped = search_articles(query="mask", expand=True, drop=entries)
    assert dropped.explain["expansions"] == []
    assert numbers("mask") == {a.article.source_file.rsplit("/", 1)[-1][:3] for a in dropped.results}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("fugong fuchan", {"000", "002", "003"}),
        ("qingxi", {"002"}),
        ("huaqiangbei", {"003"}),
        ("fùgōng fùchǎn", {"000", "002", "003"}),
        ("fu4gong1 fu4chan3", {"000", "002", "003"}),
    ],
)
def test_pinyin_finds_chinese(seeded, query, expected):
    page = search_articles(query=query, per_page=100)
    assert numbers(query) == expected
    assert page.explain["pinyin"]


def test_a_flight_number_is_not_read_as_toned_pinyin(db, tmp_path):
    # From the real corpus: SU513 (a flight) had been read as "su" with tones 5, 1 and 3, so it
    # found every article with 苏 or 蘇 in it.
    import_texts(
        tmp_path,
        {
            "flight.txt": "02.26 急寻\n\n患者从伊朗机场乘坐SU513航班到达莫斯科机场。\n",
            "jiangsu.txt": "01.27 通知\n\n江苏省延迟全省学校春季开学时间。\n",
        },
    )
    page = search_articles(query="SU513", per_page=100)
    assert [hit.article.source_file for hit in page.results] == ["flight.txt"]
    assert page.explain["pinyin"] == []


def test_pinyin_says_which_chinese_it_matched(seeded):
    page = search_articles(query="fugong fuchan")
    assert "复工" in page.explain["pinyin_matched"] or "復工" in page.explain["pinyin_matched"]
    assert any("<mark>" in p.snippet for hit in page.results for p in hit.paragraphs)


def test_plain_pinyin_only_when_english_finds_nothing_or_asked(seeded):
    assert search_articles(query="resumption").explain["pinyin"] == []
    assert search_articles(query="resumption", pinyin=True).explain["pinyin"] == []
    assert search_articles(query="Shenzhen").explain["pinyin"] == []
    assert search_articles(query="Shenzhen", pinyin=True).explain["pinyin"]


@pytest.mark.parametrize(
    ("word", "readings"),
    [
        ("fugong", [["fu", "gong"]]),
        ("fùgōng", [["fu", "gong"]]),
        ("fu4gong1", [["fu", "gong"]]),
        ("qingxi", [["qing", "xi"]]),
        ("an", [["an"]]),
        ("resumption", []),
        ("mask", []),
        ("lǜsè", [["lv", "se"]]),
        ("su5", [["su"]]),
        ("su513", []),  # a flight number, not su with tones 5, 1 and 3
        ("1fu", []),
        ("fu''4", []),
    ],
)
def test_split_pinyin(word, readings):
    assert split_pinyin(word)[: len(readings)] == readings
    assert is_pinyin(word) == bool(readings)


def test_pinyin_basics():
    assert syllables_of("复工复产") == ["fu", "gong", "fu", "chan"]
    assert syllables_of("绿") == ["lv"]
    assert 400 <= len(SYLLABLES) <= 420
    assert is_toned("fùgōng") and not is_toned("fugong")
    assert ["bao", "an"] in split_pinyin("baoan")
    assert len(split_pinyin("huaqiangbei")) <= 8


@pytest.mark.parametrize(("chinese", "english", "note"), read_glossary())
def test_glossary_entry(chinese, english, note):
    assert normalise(chinese) == chinese
    term = make_term(chinese)
    assert term is not None and len(term.runs) == 1 and all(unit.is_cjk for unit in term.runs[0].units)
    for variant in english.split("|"):
        term = make_term(variant)
        assert term is not None and not any(run.has_cjk for run in term.runs), variant


def test_glossary_is_big_enough_and_loaded(db):
    from archive.models import GlossaryEntry

    assert len(read_glossary()) >= 150
    assert GlossaryEntry.objects.count() == len(read_glossary())


def test_api_and_page_take_the_options(seeded, client):
    data = client.get("/api/search", {"q": "mask", "expand": "1"}).json()
    entries = [e["entry"] for e in data["explain"]["expansions"]]
    assert entries[0] == "口罩"
    dropped = client.get("/api/search", {"q": "mask", "expand": "1", "drop": entries}).json()
    assert dropped["explain"]["expansions"] == []
    html = client.get("/search/", {"q": "mask", "expand": "1"}).content.decode()
    assert "drop=%E5%8F%A3%E7%BD%A9" in html and 'name="expand"' in html
    html = client.get("/search/", {"q": "fugong"}).content.decode()
    assert "did you mean" in html


def test_a_hit_in_a_bilingual_pair_shows_its_aligned_translation(seeded):
    page = search_articles(query="after-sales services", per_page=100)
    [hit] = [hit for hit in page.results if "000_" in hit.article.source_file]
    first = hit.paragraphs[0]
    assert first.paragraph.language == "en"
    assert first.aligned is not None and first.aligned.language.startswith("zh")
    assert "售后服务" in first.aligned.text
    # Its own snippet is highlighted; the translation holds no English match, so it is plain text.
    assert "<mark>" in first.snippet and "<mark>" not in first.aligned_snippet


@pytest.mark.parametrize("flagged", ["the translation", "the matched paragraph's partner both ways"])
def test_an_aligned_translation_flagged_as_furniture_is_still_shown_beside_its_match(seeded, flagged):
    """Furniture is not searched, but a matched paragraph's aligned translation is shown with it
    whatever its flag, whichever side of the pair holds the link."""
    page = search_articles(query="after-sales services", per_page=100)
    [hit] = [hit for hit in page.results if "000_" in hit.article.source_file]
    english, chinese = hit.paragraphs[0].paragraph, hit.paragraphs[0].aligned
    if flagged != "the translation":  # the link the other way: Chinese → English
        Paragraph.objects.filter(pk=english.pk).update(translation=None)
        Paragraph.objects.filter(pk=chinese.pk).update(translation=english)
    Paragraph.objects.filter(pk=chinese.pk).update(is_boilerplate=True)
    page = search_articles(query="after-sales services", per_page=100)
    [hit] = [hit for hit in page.results if "000_" in hit.article.source_file]
    assert hit.paragraphs[0].paragraph.pk == english.pk
    assert hit.paragraphs[0].aligned is not None and hit.paragraphs[0].aligned.pk == chinese.pk


def test_the_aligned_translation_is_highlighted_too_when_an_expansion_matches_it(seeded):
    page = search_articles(query="work resumption", expand=True, per_page=100)
    [hit] = [hit for hit in page.results if "000_" in hit.article.source_file]
    paired = [p for p in hit.paragraphs if p.aligned is not None]
    assert paired, "a 000 hit in a bilingual pair"
    assert any("<mark>复工复产</mark>" in p.aligned_snippet or "<mark>复工复产</mark>" in p.snippet for p in paired)


def test_a_pair_matching_on_both_sides_is_shown_once(seeded):
    page = search_articles(query="work resumption", expand=True, per_page=100)
    [hit] = [hit for hit in page.results if "000_" in hit.article.source_file]
    shown = [p.position for p in hit.paragraphs] + [p.aligned.position for p in hit.paragraphs if p.aligned]
    assert len(shown) == len(set(shown)), shown
    assert len(hit.paragraphs) == 3  # the three best pairs, not one pair twice


def test_aligned_translations_in_the_api_and_on_the_page(seeded, client):
    data = client.get("/api/search", {"q": "after-sales services"}).json()
    [result] = [r for r in data["results"] if "000_" in r["source_file"]]
    aligned = result["paragraphs"][0]["aligned"]
    assert aligned["language"].startswith("zh") and "售后服务" in aligned["snippet"]
    unpaired = client.get("/api/search", {"q": "口罩"}).json()["results"]
    assert unpaired and all(p["aligned"] is None for r in unpaired for p in r["paragraphs"])
    html = client.get("/search/", {"q": "after-sales services"}).content.decode()
    assert 'class="aligned"' in html and f'#p-{aligned["position"]}"' in html


# --- CC-CEDICT, after the glossary -----------------------------------------------------------


@pytest.mark.parametrize(
    ("gloss", "plain"),
    [
        ("to return to work (after stoppage)", "return to work"),
        ("mask (surgical etc)", "mask"),
        ("vaccine", "vaccine"),
        ("variant of 復[fu4]", None),
        ("surname Fu", None),
        ("CL:個|个[ge4]", None),
        ("Dongguan prefecture-level city in Guangdong 廣東省|广东省[Guang3 dong1 sheng3]", None),
        ("a very long gloss of many words indeed", None),
    ],
)
def test_only_short_plain_glosses_become_search_terms(gloss, plain):
    assert plain_gloss(gloss) == plain


def test_the_dictionary_reads_both_ways(db):
    dictionary = cedict()
    assert "return to work" in dictionary.english_for("复工")
    assert dictionary.chinese_for(english_key("vaccine"))[0] == "疫苗"  # commonest first, by jieba's counts
    assert dictionary.chinese_for(english_key("vaccines")) == dictionary.chinese_for(english_key("vaccine"))
    assert "复工" in dictionary.chinese_for(english_key("return to work"))


def test_the_dictionary_finds_what_the_glossary_does_not_know(seeded, seeds_dir):
    assert numbers("temperature") == set()
    page = search_articles(query="temperature", expand=True, per_page=100)
    assert {e["source"] for e in page.explain["expansions"]} == {"CC-CEDICT"}
    assert "体温" in [e["entry"] for e in page.explain["expansions"]]
    found = {hit.article.source_file.rsplit("/", 1)[-1][:3] for hit in page.results}
    assert found and found <= mentioning(seeds_dir, "体温", "温度", "热度")


def test_chinese_expands_into_the_dictionarys_english(seeded):
    page = search_articles(query="招聘", expand=True, per_page=100)
    [expansion] = page.explain["expansions"]
    assert expansion["source"] == "CC-CEDICT" and "recruit" in expansion["added"]
    assert page.count > search_articles(query="招聘").count  # the English 000 recruits too


# The commonest COVID-19 terms, English and the standard Chinese rendering: each finds the other.
COVID_TERMS = [
    ("mask", "口罩"), ("vaccine", "疫苗"), ("quarantine", "隔离"), ("lockdown", "封城"), ("ventilator", "呼吸机"),
    ("nucleic acid", "核酸"), ("close contacts", "密切接触者"), ("confirmed cases", "确诊病例"),
    ("World Health Organization", "世界卫生组织"), ("World Health Organization", "世卫组织"), ("epidemic", "疫情"),
    ("pandemic", "大流行"), ("pneumonia", "肺炎"), ("novel coronavirus", "新型冠状病毒"), ("coronavirus", "冠状病毒"),
    ("fever", "发热"), ("symptoms", "症状"), ("asymptomatic", "无症状"), ("social distancing", "社交距离"),
    ("hand sanitizer", "洗手液"), ("disinfection", "消毒"), ("protective suit", "防护服"),
    ("nucleic acid test", "核酸检测"), ("health code", "健康码"), ("work resumption", "复工复产"),
    ("suspected cases", "疑似病例"), ("infection", "感染"), ("medical staff", "医护人员"),
    ("incubation period", "潜伏期"), ("imported cases", "输入病例"), ("herd immunity", "群体免疫"),
    ("antibody", "抗体"), ("virus", "病毒"), ("hospital", "医院"),
]  # fmt: skip


@pytest.mark.parametrize(("english", "chinese"), COVID_TERMS)
def test_the_commonest_covid_terms_expand_both_ways(db, english, chinese):
    glossary, dictionary = rewrite.glossary(), cedict()
    forward = rewrite.expansion_alternatives(parse(english), glossary, drop=set(), dictionary=dictionary)
    assert chinese in [alternative.label for alternative in forward]
    back = rewrite.expansion_alternatives(parse(chinese), glossary, drop=set(), dictionary=dictionary)
    assert english_key(english) in [english_key(term.raw) for alternative in back for term in alternative.terms]


def test_a_glossary_entry_adds_to_the_dictionary_and_never_hides_it(seeded):
    # The glossary knows 接种 (vaccination) and 疫苗 (vaccine), both stemmed "vaccin"; CC-CEDICT's
    # commonest rendering of "vaccine", 疫苗, is kept beside them, from either source.
    entries = {e["entry"]: e["source"] for e in search_articles(query="vaccine", expand=True).explain["expansions"]}
    assert {"疫苗", "接种"} <= set(entries)
    mask = search_articles(query="mask", expand=True).explain["expansions"]
    assert mask[0]["entry"] == "口罩" and {e["source"] for e in mask} == {"glossary", "CC-CEDICT"}
    # The user may drop any of them from one search.
    assert "口罩" not in [
        e["entry"] for e in search_articles(query="mask", expand=True, drop=["口罩"]).explain["expansions"]
    ]


def test_a_curator_can_remove_a_dictionary_rendering_on_purpose(seeded):
    from archive.models import GlossaryEntry

    before = [e["entry"] for e in search_articles(query="mask", expand=True).explain["expansions"]]
    assert "面具" in before  # CC-CEDICT's costume mask
    GlossaryEntry.objects.create(chinese="面具", english="mask", removed=True, note="not the surgical mask")
    after = [e["entry"] for e in search_articles(query="mask", expand=True).explain["expansions"]]
    assert after == [entry for entry in before if entry != "面具"]
    assert "mask" not in str(search_articles(query="面具", expand=True).explain["expansions"])


def test_dictionary_expansions_can_be_dropped_one_by_one_and_are_credited(seeded, client):
    entries = [e["entry"] for e in search_articles(query="temperature", expand=True).explain["expansions"]]
    kept = search_articles(query="temperature", expand=True, drop=[entries[0]]).explain["expansions"]
    assert [e["entry"] for e in kept] == entries[1:]
    html = client.get("/search/", {"q": "temperature", "expand": "1"}).content.decode()
    assert "CC BY-SA 4.0" in html and "(CC-CEDICT)" in html


def test_an_expansion_ranks_by_real_words_too(db):
    from archive.models import GlossaryEntry

    import_and_index(RANKING_DIR)
    GlossaryEntry.objects.create(chinese="华人", english="overseas Chinese")
    assert found_files("overseas Chinese", expand=True) == found_files("华人") == ["realword", "straddle"]


def test_the_query_explains_its_pinyin_reading(seeded):
    assert search_articles(query="复工复产").explain["reading"] == "fugong fuchan"
