"""Near-duplicate reposts grouped: built from the seeds (a repost of 002 with another header and
junk list and one sentence edited, a traditional repost, a truncated repost) and from real text;
search shows a group once, the API and the article page list the copies, curators split and merge."""

from __future__ import annotations

import itertools
import json
from io import StringIO
from pathlib import Path

import numpy as np
import pytest
from django.core.management import call_command
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from archive import copies, duplicates
from archive.models import Article, Fingerprint
from archive.search.results import search_articles
from tests.support import realtext, reposts
from tests.support.seeds import SEEDS_DIR, import_and_index

REPOSTS = {
    "reposts/qingxi-dongguan.txt": reposts.repost_edited,
    "reposts/qingxi-tw.txt": reposts.repost_traditional,
    "reposts/qingxi-short.txt": reposts.repost_truncated,
}


def write_reposts(root: Path, names=tuple(REPOSTS)) -> Path:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(REPOSTS[name](), encoding="utf-8")
    return root


def import_folder(path: Path) -> str:
    out = StringIO()
    call_command("import_seeds", str(path), stdout=out, stderr=StringIO())
    return out.getvalue()


def by_name(name: str) -> Article:
    return Article.objects.get(source_file__endswith=name)


def seed(number: str) -> Article:
    return Article.objects.get(source_file__startswith=f"{number}_")


def group_of(article: Article) -> int | None:
    return Fingerprint.objects.get(article=article).group


def groups() -> list[set[str]]:
    """The groups of copies, as sets of source files."""
    found: dict[int, set[str]] = {}
    for source_file, group in Fingerprint.objects.filter(group__isnull=False).values_list(
        "article__source_file", "group"
    ):
        found.setdefault(group, set()).add(source_file)
    return sorted(found.values(), key=sorted)


@pytest.fixture
def archive_with_reposts(db, tmp_path):
    """The seeds and the three reposts of 002, imported by the command as a user would (one folder)."""
    folder = tmp_path / "pages"
    folder.mkdir()
    for path in SEEDS_DIR.glob("*.txt"):
        (folder / path.name).write_bytes(path.read_bytes())
    write_reposts(folder)
    import_folder(folder)
    return folder


# --- the pure parts ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", set()),
        ("abc", {b"abc"}),
        ("abcdef", {b"abcde", b"bcdef"}),
        ("复工复产复工", {"复工复产复".encode(), "工复产复工".encode()}),
    ],
)
def test_shingles_are_character_ngrams(text, expected):
    assert duplicates.shingles(text) == expected


@pytest.mark.parametrize(
    ("paragraphs", "expected"),
    [
        ([("清溪镇一手抓防疫，一手抓复工复产。", False)], "清溪镇一手抓防疫一手抓复工复产"),
        ([("清溪鎮一手抓防疫,一手抓復工復產.", False)], "清溪镇一手抓防疫一手抓复工复产"),  # script and punctuation
        ([("分享到：微信 微博", True), ("Ｃｏｖｉｄ-19 Cases", False)], "covid19cases"),  # furniture dropped, NFKC
    ],
)
def test_the_body_text_is_the_normalised_searchable_text(paragraphs, expected):
    assert duplicates.body_text(paragraphs) == expected


def test_a_body_too_short_has_no_signature_and_is_similar_to_nothing():
    assert duplicates.signature([("短文", False)]) == b""
    assert duplicates.similarity(b"", b"") == 0.0


def test_the_diff_marks_the_edited_sentence_and_compares_across_scripts():
    earliest = ["清溪镇一手抓防疫。", "截至3月,全镇在产企业3075家。", "最后一段。"]
    copy = ["清溪鎮一手抓防疫。", "截至3月底,全镇在产企业超过3000家。"]
    lines = duplicates.paragraph_diff(earliest=earliest, copy=copy)
    assert [line.kind for line in lines] == ["same", "changed", "removed"]
    assert lines[0].text == "清溪鎮一手抓防疫。"  # shown in the copy's own script
    parts = lines[1].parts
    assert "".join(text for kind, text in parts if kind == "added") == "底超过00"
    assert "".join(text for kind, text in parts if kind == "removed") == "75"
    assert "".join(text for kind, text in parts if kind != "removed") == copy[1]


# --- grouping at import --------------------------------------------------------------------------------


def test_reposts_of_002_are_grouped_with_it_and_nothing_else_is(archive_with_reposts):
    assert groups() == [{"002_9734637fa21d2921.txt", *REPOSTS}]
    assert group_of(seed("000")) is None
    assert group_of(seed("001")) is None


def test_seeds_000_and_001_are_not_copies(db):
    import_folder(SEEDS_DIR)
    first, second = (bytes(Fingerprint.objects.get(article=seed(n)).signature) for n in ("000", "001"))
    assert duplicates.similarity(first, second) < duplicates.THRESHOLD
    assert groups() == []


def same_day_posts() -> tuple[realtext.Post, realtext.Post]:
    """Two long real posts published the same day."""
    posts = [post for post in realtext.posts() if len(post.body) >= 200]
    for first, second in itertools.pairwise(posts):
        if first.date == second.date:
            return first, second
    raise AssertionError("no two long posts of one day in the corpus")


def template_posts() -> tuple[realtext.Post, realtext.Post]:
    """Two daily Hubei briefings from one template, with different numbers."""
    daily = [post for post in realtext.posts() if post.body.startswith("#湖北累计确诊新冠肺炎")]
    return daily[0], daily[1]


@pytest.mark.parametrize("pair", [same_day_posts, template_posts], ids=["same day", "one template"])
def test_real_posts_that_are_not_copies_are_not_grouped(db, tmp_path, pair):
    first, second = pair()
    assert first.body != second.body
    for post in (first, second):
        page = realtext.render(post, style="news")
        (tmp_path / f"{post.number}.txt").write_bytes(page.data)
    import_folder(tmp_path)
    first_signature, second_signature = (bytes(row.signature) for row in Fingerprint.objects.order_by("pk"))
    assert first_signature and second_signature
    assert duplicates.similarity(first_signature, second_signature) < duplicates.THRESHOLD
    assert groups() == []


def test_daily_briefings_of_one_template_are_alike_but_not_copies():
    """The template pair above is a hard one: a third of its shingles are shared."""
    first, second = (
        duplicates.signature([(line, False) for line in realtext.body_paragraphs(post.body)])
        for post in template_posts()
    )
    assert 0.2 < duplicates.similarity(first, second) < duplicates.THRESHOLD


def test_a_real_post_reposted_by_another_site_in_traditional_script_is_grouped(db, tmp_path):
    post = same_day_posts()[0]
    (tmp_path / "news.txt").write_bytes(realtext.render(post, style="news").data)
    (tmp_path / "tw.txt").write_bytes(realtext.render(post, style="traditional").data)
    import_folder(tmp_path)
    assert groups() == [{"news.txt", "tw.txt"}]


def test_reimporting_changes_nothing_and_a_rebuild_keeps_the_groups(archive_with_reposts):
    before = groups()
    history = Fingerprint.history.count()
    assert "unchanged 8" in import_folder(archive_with_reposts)
    call_command("rebuild_index", "--noinput", stdout=StringIO())
    assert groups() == before
    assert Fingerprint.history.count() == history


def test_a_repost_imported_later_joins_the_group(db, tmp_path):
    import_folder(SEEDS_DIR)
    assert groups() == []
    import_folder(write_reposts(tmp_path, ["reposts/qingxi-tw.txt"]))
    assert groups() == [{"002_9734637fa21d2921.txt", "reposts/qingxi-tw.txt"}]


def test_an_import_interrupted_before_grouping_is_grouped_by_the_next_one(archive_with_reposts, tmp_path):
    # As a crash between writing a batch and grouping it leaves the database.
    Fingerprint.objects.update(group=None, grouped=False)
    import_folder(write_reposts(tmp_path / "more", ["reposts/qingxi-tw.txt"]))
    assert groups() == [{"002_9734637fa21d2921.txt", *REPOSTS}]
    assert not Fingerprint.objects.filter(grouped=False).exists()


def test_regroup_recomputes_groups_and_signatures_from_the_database(archive_with_reposts):
    expected = groups()
    Fingerprint.objects.all().delete()  # as an archive imported before signatures were stored
    out = StringIO()
    call_command("regroup_copies", stdout=out)
    assert "Signed 8 articles" in out.getvalue()
    assert groups() == expected
    out = StringIO()
    call_command("regroup_copies", stdout=out)
    assert "0 memberships changed" in out.getvalue()


def test_a_changed_repost_leaves_its_group_when_it_no_longer_is_a_copy(archive_with_reposts):
    path = archive_with_reposts / "reposts/qingxi-short.txt"
    post = same_day_posts()[0]
    path.write_bytes(realtext.render(post, style="news").data)
    assert "updated 1" in import_folder(archive_with_reposts)
    assert group_of(by_name("qingxi-short.txt")) is None
    assert groups() == [{"002_9734637fa21d2921.txt", "reposts/qingxi-dongguan.txt", "reposts/qingxi-tw.txt"}]


# --- search, API, article page -------------------------------------------------------------------------


@pytest.fixture
def edited_repost(db, tmp_path):
    """The seeds, then a lightly edited repost of 002 under another file name."""
    import_and_index(SEEDS_DIR)
    import_folder(write_reposts(tmp_path, ["reposts/qingxi-dongguan.txt"]))
    return by_name("qingxi-dongguan.txt")


def test_a_search_for_qingxi_shows_one_result_with_one_copy(edited_repost, client):
    body = client.get("/api/search", {"q": "清溪"}).json()
    assert [(result["source_file"], result["copies"]) for result in body["results"]] == [
        ("002_9734637fa21d2921.txt", 1)
    ]
    assert (body["count"], body["articles"]) == (1, 2)
    page = client.get("/search/", {"q": "清溪"}).content.decode()
    assert page.count('class="copies-note"') == 1
    assert "also published by 1 source" in page
    assert f'href="{seed("002").get_absolute_url()}#copies"' in page


def test_group_copies_0_lists_every_copy_as_a_result_of_its_own(edited_repost, client):
    body = client.get("/api/search", {"q": "清溪", "group_copies": "0"}).json()
    assert sorted((result["source_file"], result["copies"]) for result in body["results"]) == [
        ("002_9734637fa21d2921.txt", 0),
        ("reposts/qingxi-dongguan.txt", 0),
    ]
    assert (body["count"], body["articles"]) == (2, 2)


def test_the_earliest_dated_copy_is_shown_and_counts_stay_exact_across_pages(archive_with_reposts):
    first = search_articles(query="复工复产", per_page=1)
    everything = search_articles(query="复工复产", per_page=100)
    assert [hit.article.source_file[:3] for hit in everything.results].count("002") == 1
    assert first.count == everything.count == len(everything.results)
    assert everything.articles == everything.count + 3
    shown = next(hit for hit in everything.results if hit.copies)
    assert (shown.article.source_file, shown.copies) == ("002_9734637fa21d2921.txt", 3)
    pages = [search_articles(query="复工复产", per_page=1, page=n).results[0].article.pk for n in range(1, 4)]
    assert len(set(pages)) == 3 == everything.count


def _shown_for_qingxi() -> list[tuple[str, int]]:
    return [(hit.article.source_file, hit.copies) for hit in search_articles(query="清溪", per_page=100).results]


def test_the_search_follows_splits_merges_date_edits_and_deletions(archive_with_reposts):
    group = [("002_9734637fa21d2921.txt", 3)]
    assert _shown_for_qingxi() == group
    # A copy dated earlier than 002 (a curator's correction) becomes the one shown.
    short = by_name("qingxi-short.txt")
    short.pub_year, short.pub_month, short.pub_day = 2020, 3, 1
    short.save()
    assert _shown_for_qingxi() == [("reposts/qingxi-short.txt", 3)]

    copies.split_article(article_id=short.pk)
    assert sorted(_shown_for_qingxi()) == sorted([("002_9734637fa21d2921.txt", 2), ("reposts/qingxi-short.txt", 0)])
    by_name("qingxi-tw.txt").delete()
    assert sorted(_shown_for_qingxi()) == sorted([("002_9734637fa21d2921.txt", 1), ("reposts/qingxi-short.txt", 0)])
    copies.merge_groups(article_ids=[short.pk, seed("002").pk])
    assert _shown_for_qingxi() == [("reposts/qingxi-short.txt", 2)]


@settings(max_examples=200, deadline=None)
@given(
    members=st.dictionaries(st.integers(1, 40), st.integers(0, 5), max_size=30),
    ranked=st.lists(st.integers(1, 45), unique=True, max_size=45),
)
def test_collapse_shows_each_group_once_at_its_best_place_by_its_first_member(members, ranked):
    """copies.collapse against the rule read plainly: group ids and keys drawn at random."""

    table = copies.GroupTable.__new__(copies.GroupTable)
    size = 60
    table.group = np.full(size, -1, dtype=np.int64)
    table.place = np.zeros(size, dtype=np.int64)
    for pk, group in members.items():
        table.group[pk] = 50 + group
    table.place[:] = np.random.default_rng(len(ranked)).permutation(size)
    table.size = np.bincount(table.group[table.group >= 0], minlength=size)
    expected: list[tuple[int, int]] = []
    seen: set[int] = set()
    for pk in ranked:
        group = int(table.group[pk])
        if group < 0:
            expected.append((pk, 0))
        elif group not in seen:
            seen.add(group)
            matching = [other for other in ranked if table.group[other] == group]
            expected.append((min(matching, key=lambda other: table.place[other]), int(table.size[group]) - 1))
    collapsed = copies.collapse(pks=ranked, table=table)
    assert [(shown.pk, shown.copies) for shown in collapsed.shown()] == expected
    assert len(collapsed) == len(expected)


def test_the_reposts_near_duplicates_list_002(edited_repost, client):
    body = client.get(f"/api/articles/{edited_repost.pk}").json()
    assert [item["id"] for item in body["near_duplicates"]] == [seed("002").pk]
    assert duplicates.THRESHOLD <= body["near_duplicates"][0]["similarity"] <= 1
    assert client.get(f"/api/articles/{seed('000').pk}").json()["near_duplicates"] == []


def test_the_article_page_lists_the_copies_and_diffs_against_the_earliest(edited_repost, client):
    page = client.get(edited_repost.get_absolute_url()).content.decode()
    assert 'id="copies"' in page
    assert seed("002").get_absolute_url() in page
    assert "2020-03-31" in page  # 002's date
    assert "截至3月<ins>底</ins>,全镇在产企业<ins>超过</ins>30<del>75</del><ins>00</ins>家" in page
    assert "earliest" in page


def test_scraped_text_in_the_copies_list_and_diff_is_escaped(edited_repost, client):
    original = seed("002")
    original.title = '<script>alert("t")</script>'
    original.save()
    paragraph = edited_repost.paragraphs.filter(text__contains="清溪", is_boilerplate=False).first()
    paragraph.text += "<img src=x onerror=alert(1)>"
    paragraph.save()
    page = client.get(edited_repost.get_absolute_url()).content.decode()
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert" in page and "&lt;img src=x onerror=alert(1)&gt;" in page


# --- admin: split and merge, with history -------------------------------------------------------------


def test_a_curator_splits_an_article_out_and_a_regroup_leaves_it_out(archive_with_reposts, curator):
    changelist = reverse("admin:archive_article_changelist")
    tw = by_name("qingxi-tw.txt")
    response = curator.post(changelist, {"action": "split_from_copies", "_selected_action": [tw.pk]})
    assert response.status_code == 302
    assert group_of(tw) is None
    assert groups() == [{"002_9734637fa21d2921.txt", "reposts/qingxi-dongguan.txt", "reposts/qingxi-short.txt"}]
    change = Fingerprint.history.filter(article_id=tw.pk).latest("history_date")
    assert change.history_user == curator.user
    assert "split" in change.history_change_reason
    call_command("regroup_copies", stdout=StringIO())
    assert group_of(tw) is None
    body = json.loads(curator.get(f"/api/articles/{tw.pk}").content)
    assert body["near_duplicates"] == []


def test_a_curator_merges_two_groups(archive_with_reposts, curator):
    changelist = reverse("admin:archive_article_changelist")
    selected = [seed("000").pk, seed("001").pk]
    curator.post(changelist, {"action": "merge_copies", "_selected_action": selected})
    assert {"000_c1e9cff2feed3530.txt", "001_e935df5eee93ad0c.txt"} in groups()
    curator.post(changelist, {"action": "merge_copies", "_selected_action": [seed("000").pk, seed("002").pk]})
    assert groups() == [{"000_c1e9cff2feed3530.txt", "001_e935df5eee93ad0c.txt", "002_9734637fa21d2921.txt", *REPOSTS}]
    merged = Fingerprint.history.filter(article_id=seed("002").pk).latest("history_date")
    assert merged.history_user == curator.user and "merged" in merged.history_change_reason
    call_command("regroup_copies", stdout=StringIO())  # a curator's merge stands
    assert len(groups()) == 1
    history_page = curator.get(reverse("admin:archive_fingerprint_history", args=[seed("002").pk]))
    assert history_page.status_code == 200
