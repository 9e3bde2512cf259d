"""The curators' admin: edits, actions, deletes and reverts are followed by the search index."""

from __future__ import annotations

import shutil
import time
from io import StringIO
from pathlib import Path

import pytest
from django import forms
from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse

from archive.dating import infer_years_from_neighbours
from archive.models import Article, IndexTask, Paragraph
from archive.search import queue
from archive.search.results import search_articles

pytestmark = pytest.mark.django_db(transaction=True)


# -- helpers -------------------------------------------------------------------------------------


def found(query: str) -> set[str]:
    """Seed numbers ("003") of the articles a search finds, after pending background index writes."""
    queue.wait_for_background()
    page = search_articles(query=query, per_page=100)
    return {Path(hit.article.source_file).name[:3] for hit in page.results}


def form_values(form: forms.BaseForm) -> dict[str, object]:
    """POST data that resubmits a rendered form unchanged (what a browser would send)."""
    data: dict[str, object] = {}
    for name, field in form.fields.items():
        bound = form[name]
        value = bound.value()
        if isinstance(field.widget, forms.CheckboxInput):
            if value:
                data[bound.html_name] = "on"
            continue
        if isinstance(field.widget, forms.MultiWidget):
            for index, part in enumerate(field.widget.decompress(value) if value is not None else []):
                data[f"{bound.html_name}_{index}"] = "" if part is None else part
            continue
        data[bound.html_name] = "" if value is None else value
    return data


def change_form_data(response) -> dict[str, object]:
    """The whole change form as rendered: the article's fields, then each inline formset and its management form."""
    data = form_values(response.context["adminform"].form)
    for inline in response.context.get("inline_admin_formsets", []):
        formset = inline.formset
        data.update(form_values(formset.management_form))
        for form in formset.forms:
            data.update(form_values(form))
    return data


def article(seed: str) -> Article:
    return Article.objects.get(source_file__startswith=seed)


def change_url(obj) -> str:
    return reverse(f"admin:archive_{obj._meta.model_name}_change", args=[obj.pk])


@pytest.fixture
def imported(seeds_dir):
    call_command("import_seeds", str(seeds_dir), stdout=StringIO(), stderr=StringIO())


@pytest.fixture
def curator(client):
    user = User.objects.create_superuser("curator", "curator@example.org", "pw")
    client.force_login(user)
    client.user = user
    return client


def edit_article(client, obj: Article, edit) -> object:
    """Open the change page, let `edit(data)` change the POST data, submit it; returns the response."""
    response = client.get(change_url(obj))
    assert response.status_code == 200
    data = change_form_data(response)
    edit(data)
    response = client.post(change_url(obj), data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    return response


def replace_in_texts(old: str, new: str):
    def edit(data: dict) -> None:
        hits = [key for key, value in data.items() if key.endswith("-text") and old in str(value)]
        assert hits, f"no paragraph holds {old!r}"
        for key in hits:
            data[key] = str(data[key]).replace(old, new)

    return edit


# -- editing -------------------------------------------------------------------------------------


def test_editing_a_paragraph_in_the_inline_is_searched_at_once(imported, curator):
    assert found("resumption") == {"000"}
    edit_article(curator, article("000"), replace_in_texts("resumption", "zanzibarite"))

    assert found("zanzibarite") == {"000"}
    assert found("resumption") == set()
    edited = article("000")
    assert edited.curated_at is not None
    assert not IndexTask.objects.exists()
    # The inline edit left a history row that names the curator.
    record = Paragraph.history.filter(text__contains="zanzibarite").latest("history_date")
    assert record.history_type == "~"
    assert record.history_user == curator.user


def test_with_background_indexing_an_admin_edit_is_searched_once_the_thread_is_done(imported, curator, settings):
    settings.ARCHIVE_INDEX_IN_BACKGROUND = True  # as in production; the suite runs it off
    edit_article(curator, article("000"), replace_in_texts("resumption", "zanzibarite"))
    queue.wait_for_background()
    assert found("zanzibarite") == {"000"}
    assert found("resumption") == set()


def test_an_unchanged_save_does_not_mark_the_article_curated(imported, curator):
    edit_article(curator, article("001"), lambda data: None)
    assert article("001").curated_at is None


def test_translation_choices_are_the_same_articles_paragraphs(imported, curator):
    obj = article("000")
    response = curator.get(change_url(obj))
    formset = response.context["inline_admin_formsets"][0].formset
    field = formset.forms[0].fields["translation"]
    assert set(field.queryset.values_list("article_id", flat=True)) == {obj.pk}
    offered = {value for value, _label in field.widget.choices if value}
    assert {int(str(value)) for value in offered} == set(obj.paragraphs.values_list("pk", flat=True))
    # The bilingual seed's pairs show up as chosen values.
    assert any(form["translation"].value() for form in formset.forms)


def test_the_change_page_shows_provenance_read_only_and_links_to_the_site(imported, curator):
    obj = article("003")
    response = curator.get(change_url(obj))
    form = response.context["adminform"].form
    for name in ["source_file", "content_hash", "imported_at", "updated_at"]:
        assert name not in form.fields
    assert obj.content_hash in response.content.decode()
    assert reverse("admin:view_on_site", args=[response.context["content_type_id"], obj.pk]).encode() in (
        response.content
    )


# -- actions -------------------------------------------------------------------------------------


def test_marking_paragraphs_furniture_takes_them_out_of_search_and_back(imported, curator):
    assert found("华强北") == {"003"}
    ids = list(Paragraph.objects.filter(text__contains="華強北").values_list("pk", flat=True))
    changelist = reverse("admin:archive_paragraph_changelist")

    response = curator.post(changelist, {"action": "mark_furniture", "_selected_action": ids})
    assert response.status_code == 302
    assert found("华强北") == set()
    assert not Paragraph.objects.filter(pk__in=ids, is_boilerplate=False).exists()
    assert article("003").curated_at is not None
    assert Paragraph.history.filter(history_change_reason="marked as page furniture").count() == len(ids)

    curator.post(changelist, {"action": "mark_body", "_selected_action": ids})
    assert found("华强北") == {"003"}


def test_reindex_selected_repairs_an_index_that_missed_an_update(imported, curator):
    obj = article("004")
    Article.objects.filter(pk=obj.pk).update(title="Quokkatitle")  # no signal: the index is stale
    assert found("title:Quokkatitle") == set()

    changelist = reverse("admin:archive_article_changelist")
    response = curator.post(changelist, {"action": "reindex_selected", "_selected_action": [obj.pk]})
    assert response.status_code == 302
    assert found("title:Quokkatitle") == {"004"}


def test_rerun_metadata_inference_reads_the_title_again_from_the_paragraphs(imported, curator):
    obj = article("003")
    inferred = obj.title
    Article.objects.filter(pk=obj.pk).update(title="Wrong", pub_year=None, pub_month=None, pub_day=None)

    changelist = reverse("admin:archive_article_changelist")
    curator.post(changelist, {"action": "rerun_metadata_inference", "_selected_action": [obj.pk]})
    obj.refresh_from_db()
    assert obj.title == inferred
    assert obj.published_iso == article("003").published_iso != ""
    assert found("title:Wrong") == set()


def test_the_article_list_says_which_years_are_inferred_and_shows_the_site(imported, curator):
    Article.objects.filter(pk=article("003").pk).update(pub_year=2020, pub_year_inferred=True)
    page = curator.get(reverse("admin:archive_article_changelist")).content.decode()
    assert "2020-03-04 (year inferred)" in page
    assert "2020-03-31" in page and "2020-03-31 (year inferred)" not in page
    assert "tv.rexun.cn" in page


def test_import_and_rerun_infer_a_missing_year_alike_from_dated_pages_of_the_same_source(db, curator, tmp_path):
    folder = tmp_path / "2020-briefings"
    folder.mkdir()
    (folder / "a.txt").write_text("深圳复工复产\n时间:2020-03-20 10:00  来源:新华社  作者:网络\n正文。\n", "utf-8")
    (folder / "b.txt").write_text("03.04 深圳战疫\n来源:新华社\n1972年出生的患者出院，2018年度…\n", "utf-8")
    (folder / "c.txt").write_text("03.05 东莞战疫\n1972年出生的患者出院。\n", "utf-8")  # names no source
    call_command("import_seeds", str(tmp_path), stdout=StringIO(), stderr=StringIO())
    b, c = (Article.objects.get(source_file=f"2020-briefings/{name}.txt") for name in "bc")
    assert (b.pub_year, b.pub_month, b.pub_day, b.pub_year_inferred) == (2020, 3, 4, True)
    assert (c.pub_year, c.pub_year_inferred) == (None, False)
    Article.objects.filter(pk__in=[b.pk, c.pk]).update(pub_year=None, pub_year_inferred=False)
    changelist = reverse("admin:archive_article_changelist")
    curator.post(changelist, {"action": "rerun_metadata_inference", "_selected_action": [b.pk, c.pk]})
    b.refresh_from_db()
    c.refresh_from_db()
    assert (b.pub_year, b.pub_year_inferred) == (2020, True)
    assert (c.pub_year, c.pub_year_inferred) == (None, False)
    assert infer_years_from_neighbours(article_ids=[b.pk, c.pk, None]) == []  # nothing left to infer


def test_deleting_an_article_in_the_admin_takes_it_out_of_search(imported, curator):
    assert found("寶安") == {"004"}
    obj = article("004")
    response = curator.post(reverse("admin:archive_article_delete", args=[obj.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Article.objects.filter(pk=obj.pk).exists()
    assert found("寶安") == set()
    assert found("東莞") == {"002"}
    # Deleted, but kept in history: it can be seen and recovered.
    assert Article.history.filter(id=obj.pk, history_type="-").exists()


# -- history -------------------------------------------------------------------------------------


def test_reverting_an_article_from_history_is_searched_at_once(imported, curator):
    obj = article("000")
    original = obj.history.earliest("history_date")

    def retitle(data: dict) -> None:
        data["title"] = "Okapiword briefing"

    edit_article(curator, obj, retitle)
    assert found("title:Okapiword") == {"000"}

    revert_url = reverse("admin:archive_article_simple_history", args=[obj.pk, original.history_id])
    response = curator.get(revert_url)
    assert response.status_code == 200
    data = form_values(response.context["adminform"].form)
    assert article("000").title == "Okapiword briefing"  # what the revert must undo
    response = curator.post(revert_url, data)
    assert response.status_code == 302

    assert article("000").title == original.title
    assert found("title:Okapiword") == set()
    assert found("title:Daily") == {"000"}
    assert article("000").curated_at is not None  # a revert is a curator's edit too


def test_reverting_a_paragraph_from_history_is_searched_at_once(imported, curator):
    paragraph = Paragraph.objects.filter(article__source_file__startswith="000", text__contains="resumption").first()
    edit_article(curator, paragraph.article, replace_in_texts("resumption", "zanzibarite"))
    before = paragraph.history.filter(text__contains="resumption").latest("history_date")

    revert_url = reverse("admin:archive_paragraph_simple_history", args=[paragraph.pk, before.history_id])
    response = curator.post(revert_url, form_values(curator.get(revert_url).context["adminform"].form))
    assert response.status_code == 302
    paragraph.refresh_from_db()
    assert "resumption" in paragraph.text
    assert "zanzibarite" not in paragraph.text
    assert found("resumption") == {"000"}


# -- access --------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["anonymous", "not staff"])
def test_the_admin_is_for_staff_only(imported, client, who):
    if who == "not staff":
        client.force_login(User.objects.create_user("reader", password="pw"))
    url = reverse("admin:archive_article_changelist")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    response = client.post(reverse("admin:archive_article_delete", args=[article("004").pk]), {"post": "yes"})
    assert response.status_code == 302
    assert Article.objects.filter(source_file__startswith="004").exists()


# -- the single writer ---------------------------------------------------------------------------


def test_a_save_during_a_rebuild_returns_at_once_and_is_applied_after(imported, curator):
    obj = article("000")
    response = curator.get(change_url(obj))
    data = change_form_data(response)
    replace_in_texts("resumption", "zanzibarite")(data)

    with queue.writer_lock(blocking=True) as held:  # what rebuild_index holds while it runs
        assert held
        started = time.monotonic()
        response = curator.post(change_url(obj), data)
        took = time.monotonic() - started
        queue.wait_for_background()
        assert response.status_code == 302
        assert took < 2.0
        assert IndexTask.objects.filter(article_id=obj.pk).exists()  # queued, not lost
        assert found("zanzibarite") == set()  # not applied yet: the writer is busy
    queue.drain()  # the rebuild drains the queue when it finishes
    assert found("zanzibarite") == {"000"}
    assert not IndexTask.objects.exists()


def test_a_rebuild_applies_saves_queued_while_it_ran(imported, curator):
    obj = article("000")
    with queue.writer_lock(blocking=True):
        edit_article(curator, obj, replace_in_texts("resumption", "zanzibarite"))
        queue.wait_for_background()
    call_command("rebuild_index", "--noinput", stdout=StringIO())
    assert found("zanzibarite") == {"000"}
    assert not IndexTask.objects.exists()


# -- re-importing over a curator's edits ---------------------------------------------------------


@pytest.fixture
def seeds_copy(tmp_path, seeds_dir) -> Path:
    target = tmp_path / "seeds"
    shutil.copytree(seeds_dir, target)
    call_command("import_seeds", str(target), stdout=StringIO(), stderr=StringIO())
    return target


def run_import(*args: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("import_seeds", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def test_reimporting_a_changed_file_keeps_a_curators_edit_and_reports_a_conflict(seeds_copy, curator):
    obj = article("000")
    edit_article(curator, obj, replace_in_texts("resumption", "zanzibarite"))
    seed = next(seeds_copy.glob("000_*"))
    seed.write_text(seed.read_text(encoding="utf-8") + "\nA new closing line.\n", encoding="utf-8")

    code, out, err = run_import(str(seeds_copy), "--dry-run")
    assert code != 0
    assert "conflicts 1" in out

    code, out, err = run_import(str(seeds_copy))
    assert code != 0
    assert "unchanged 4, failed 0, skipped 0, conflicts 1" in out
    assert seed.name in err
    assert "conflict" in err
    assert "--force" in err
    assert found("zanzibarite") == {"000"}
    assert not Paragraph.objects.filter(article=obj, text="A new closing line.").exists()

    code, out, err = run_import(str(seeds_copy), "--force")
    assert code == 0
    assert "conflicts 0" in out
    obj.refresh_from_db()
    assert obj.curated_at is None
    assert Paragraph.objects.filter(article=obj, text="A new closing line.").exists()
    assert found("zanzibarite") == set()
    # The overwritten edit is still in the paragraphs' history.
    assert Paragraph.history.filter(text__contains="zanzibarite", history_type="-").exists()


def test_reimporting_an_unchanged_file_over_a_curators_edit_is_no_conflict(seeds_copy, curator):
    edit_article(curator, article("000"), replace_in_texts("resumption", "zanzibarite"))
    code, out, _err = run_import(str(seeds_copy))
    assert code == 0
    assert "unchanged 5" in out
    assert found("zanzibarite") == {"000"}


def test_deleting_paragraphs_in_the_paragraph_admin_is_searched_and_marks_the_article_curated(imported, curator):
    ids = list(Paragraph.objects.filter(text__contains="華強北").values_list("pk", flat=True))
    changelist = reverse("admin:archive_paragraph_changelist")
    response = curator.post(changelist, {"action": "delete_selected", "_selected_action": ids, "post": "yes"})
    assert response.status_code == 302
    assert not Paragraph.objects.filter(pk__in=ids).exists()
    assert found("华强北") == set()
    assert article("003").curated_at is not None
