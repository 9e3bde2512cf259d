"""import_seeds as a user runs it: summary, exit status, idempotence, updates in place."""

from __future__ import annotations

import io
import shutil
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command

from archive.importing import writing
from archive.models import Article, IndexTask, Paragraph, Source
from archive.search import engines, recovery
from archive.search.documents import version
from tests.support import realtext

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_seeds", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def collection(tmp_path: Path, seeds_dir: Path) -> Path:
    """A copy of the seeds in a directory the test may change."""
    target = tmp_path / "pages"
    shutil.copytree(seeds_dir, target)
    return target


def seed_file(directory: Path, seed: str) -> Path:
    return next(directory.glob(f"{seed}_*.txt"))


EXPECTED = [
    ("000", "Daily Briefing on Fighting against COVID-19(March 20, 2020)", "mixed", "2020-03-20", 5),
    (
        "001",
        "Enterprises meeting the requirements for epidemic prevention in Shenzhen Bao 'an can resume operations "
        "in an orderly manner after filing",
        "en",
        "",
        0,
    ),
    ("002", "打好疫情防控战按下复产加速键", "zh-Hans", "2020-03-31", 0),
    ("003", "精度、力度、溫度!福田推一攬子解決方案,為轄區經濟“輸氧”“供血”", "zh-Hant", "--03-04", 0),
    ("004", "细微处下功夫,以最小代价实现最大防控效果", "zh-Hans", "", 0),
]


@pytest.mark.parametrize(("seed", "title", "language", "published", "pairs"), EXPECTED)
def test_import_seeds_creates_articles(collection, seed, title, language, published, pairs) -> None:
    code, out, _ = run(str(collection))
    assert code == 0
    assert "imported 5, updated 0, unchanged 0, failed 0, skipped 0" in out
    article = Article.objects.get(source_file=seed_file(collection, seed).name)
    assert (article.title, article.language, article.published_iso) == (title, language, published)
    assert article.paragraphs.filter(translation__isnull=False).count() == pairs
    # The command leaves the index up to date: the article at its version, nothing left queued.
    assert engines.get_engine().indexed_versions()[article.pk] == version(article.updated_at)
    assert not IndexTask.objects.exists()


def test_imported_article_details(collection) -> None:
    run(str(collection))
    bilingual = Article.objects.get(source_file=seed_file(collection, "000").name)
    assert str(bilingual.source) == "深圳新闻网 (sznews.com)"
    first = bilingual.paragraphs.get(position=3)
    assert first.translation.position == 4
    assert first.translation.aligned == first
    assert list(bilingual.paragraphs.filter(is_boilerplate=True).values_list("position", flat=True)) == [2, 13]
    undated = Article.objects.get(source_file=seed_file(collection, "003").name)
    assert (undated.pub_year, undated.pub_month, undated.pub_day, undated.published_on) == (None, 3, 4, None)
    assert Source.objects.filter(name="热讯网", domain="tv.rexun.cn").exists()


def test_default_path_is_seeds(seeds_dir) -> None:
    code, out, _ = run()
    assert code == 0
    assert "imported 5" in out
    assert sorted(Article.objects.values_list("source_file", flat=True)) == sorted(p.name for p in seeds_dir.iterdir())


def test_second_run_changes_nothing(collection) -> None:
    run(str(collection))
    before = {a.pk: a.updated_at for a in Article.objects.all()}
    paragraph_ids = set(Paragraph.objects.values_list("id", flat=True))
    tasks = IndexTask.objects.count()
    code, out, _ = run(str(collection))
    assert code == 0
    assert "imported 0, updated 0, unchanged 5, failed 0, skipped 0" in out
    assert {a.pk: a.updated_at for a in Article.objects.all()} == before
    assert set(Paragraph.objects.values_list("id", flat=True)) == paragraph_ids
    assert IndexTask.objects.count() == tasks


def test_changed_file_updates_the_same_article(collection) -> None:
    run(str(collection))
    path = seed_file(collection, "004")
    article = Article.objects.get(source_file=path.name)
    path.write_text(path.read_text(encoding="utf-8").replace("细微处下功夫", "细微处见功夫"), encoding="utf-8")
    code, out, _ = run(str(collection))
    assert code == 0
    assert "imported 0, updated 1, unchanged 4" in out
    updated = Article.objects.get(source_file=path.name)
    assert updated.pk == article.pk
    assert updated.title == "细微处见功夫,以最小代价实现最大防控效果"
    assert updated.content_hash != article.content_hash
    assert updated.paragraphs.count() == 29
    assert Source.objects.filter(name="热讯网").count() == 1
    # The replaced paragraphs stay in their history, the new ones start theirs; the article's too.
    history = Paragraph.history.filter(article_id=article.pk)
    assert history.filter(history_type="-").count() == 29
    assert history.filter(history_type="+", history_change_reason="imported").count() == 58
    assert history.filter(history_type="-", text__startswith="细微处下功夫").exists()
    assert list(updated.history.values_list("history_type", "title")) == [
        ("~", updated.title),
        ("+", "细微处下功夫,以最小代价实现最大防控效果"),
    ]


def test_bad_file_fails_alone(collection) -> None:
    (collection / "broken.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    code, out, err = run(str(collection))
    assert code == 1
    assert "broken.txt: " in err
    assert "NUL" in err
    assert "imported 5, updated 0, unchanged 0, failed 1, skipped 0" in out
    assert Article.objects.count() == 5


@pytest.mark.parametrize(("seed", "encoding"), [("002", "gbk"), ("003", "big5"), ("001", "utf-16")])
def test_legacy_encodings_import_like_utf8(collection, seed: str, encoding: str) -> None:
    path = seed_file(collection, seed)
    text = path.read_text(encoding="utf-8")
    legacy = collection / f"legacy-{encoding}.txt"
    legacy.write_bytes(text.replace("\xa0", " ").encode(encoding))
    code, _, _ = run(str(collection))
    assert code == 0
    original = Article.objects.get(source_file=path.name)
    copy = Article.objects.get(source_file=legacy.name)
    fields = ("title", "language", "published_iso", "source_id")
    assert [getattr(copy, name) for name in fields] == [getattr(original, name) for name in fields]
    assert copy.paragraphs.count() == original.paragraphs.count()


def test_mojibake_file_is_refused_with_its_name(collection) -> None:
    garbled = "深圳新闻网报道疫情防控工作".encode().decode("latin-1").encode("utf-8")
    (collection / "sub").mkdir()
    (collection / "sub" / "garbled.txt").write_bytes(garbled)
    code, _, err = run(str(collection))
    assert code == 1
    assert "sub/garbled.txt: looks like mojibake" in err


def test_dry_run_writes_nothing(collection) -> None:
    code, out, _ = run("--dry-run", str(collection))
    assert code == 0
    assert "would have imported 5" in out
    assert Article.objects.count() == 0
    assert Source.objects.count() == 0
    assert IndexTask.objects.count() == 0


def test_duplicate_content_is_its_own_article_and_reported(collection) -> None:
    original = seed_file(collection, "002")
    shutil.copy(original, collection / "copy_of_002.txt")
    code, out, _ = run(str(collection))
    assert code == 0
    assert "imported 6" in out
    assert f"(duplicates: copy_of_002.txt = {original.name})" in out
    assert Article.objects.filter(content_hash=Article.objects.get(source_file=original.name).content_hash).count() == 2


def test_empty_file_is_skipped_with_a_warning(collection) -> None:
    (collection / "empty.txt").write_bytes(b"")
    (collection / "blank.txt").write_bytes("\n \u00a0\n\n".encode())
    code, out, err = run(str(collection))
    assert code == 0
    assert "imported 5, updated 0, unchanged 0, failed 0, skipped 2" in out
    assert "empty.txt: empty file, skipped" in err
    assert "blank.txt: " in err


def test_hidden_files_are_ignored_and_paths_are_relative(collection) -> None:
    (collection / ".DS_Store").write_bytes(b"\x00\x01binary")
    nested = collection / "2020" / "march"
    nested.mkdir(parents=True)
    shutil.copy(seed_file(collection, "001"), nested / "page.txt")
    code, out, _ = run(str(collection))
    assert code == 0
    assert "imported 6" in out
    assert Article.objects.filter(source_file="2020/march/page.txt").exists()


def test_single_file_argument_is_relative_to_its_directory(collection) -> None:
    path = seed_file(collection, "003")
    code, out, _ = run(str(path))
    assert code == 0
    assert "imported 1" in out
    assert Article.objects.get().source_file == path.name


def test_oversized_file_is_refused(collection, settings) -> None:
    settings.ARCHIVE_MAX_IMPORT_BYTES = 6000
    code, out, err = run(str(collection))
    assert code == 1
    assert f"{seed_file(collection, '003').name}: file too large (11578 bytes" in err
    # 001 (4038 bytes) and 004 (5157 bytes) fit; the other three are refused
    assert "imported 2, updated 0, unchanged 0, failed 3, skipped 0" in out


def test_progress_bar_when_asked(collection) -> None:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_seeds", "--progress", str(collection), stdout=out, stderr=err)
    assert "importing" in err.getvalue()
    assert "5/5" in err.getvalue()


def test_missing_path_is_an_error(tmp_path) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no such file"):
        call_command("import_seeds", str(tmp_path / "nope"), stdout=io.StringIO(), stderr=io.StringIO())


# --- batches, workers and the index ------------------------------------------------------------


def snapshot_of_articles() -> dict:
    return {
        article.source_file: (
            article.title,
            article.language,
            article.published_iso,
            article.source.name if article.source else "",
            [
                (p.position, p.text, p.role, p.is_boilerplate, p.language)
                for p in article.paragraphs.order_by("position")
            ],
        )
        for article in Article.objects.select_related("source")
    }


@pytest.fixture
def real_pages(tmp_path) -> Path:
    folder = tmp_path / "real"
    realtext.write_pages(folder, realtext.pages(count=150))
    return folder


def test_worker_processes_import_what_one_process_imports(real_pages) -> None:
    code, out, _ = run("--workers", "2", str(real_pages))
    assert code == 0 and "imported 150, updated 0" in out
    with_workers = snapshot_of_articles()
    assert recovery.drift().ok  # and the index holds each article at its version
    Article.objects.all().delete()
    code, out, _ = run("--workers", "1", str(real_pages))
    assert code == 0 and "imported 150" in out
    assert snapshot_of_articles() == with_workers
    page = next(realtext.pages(count=1))
    article = Article.objects.get(source_file=page.name)
    assert (article.title, article.published_iso[:7]) == (page.title, f"{page.year}-{page.month:02d}")


def test_a_page_failing_inside_a_batch_fails_alone(real_pages) -> None:
    poisoned = list(realtext.pages(count=8))[7]
    real_insert = writing.insert_paragraphs

    body = next(line.text for line in poisoned.lines if line.role == realtext.BODY)

    def insert_paragraphs(pages):
        if any(paragraph.text == body for _, page in pages for paragraph in page.paragraphs):
            raise RuntimeError("disk full")  # after its article row was written
        real_insert(pages)

    with mock.patch.object(writing, "insert_paragraphs", side_effect=insert_paragraphs):
        code, out, err = run(str(real_pages))
    assert code == 1
    assert f"{poisoned.name}: RuntimeError: disk full" in err
    assert "imported 149, updated 0, unchanged 0, failed 1" in out
    assert not Article.objects.filter(source_file=poisoned.name).exists()
    assert Article.objects.count() == 149 and recovery.drift().ok
    code, out, _ = run(str(real_pages))  # the next run picks it up
    assert code == 0 and "imported 1, updated 0, unchanged 149" in out


def test_a_large_import_builds_a_fresh_index_with_the_articles_already_there(
    real_pages, collection, monkeypatch, settings
):
    from archive.importing import run as import_run

    run(str(collection))
    seeds = set(Article.objects.values_list("pk", flat=True))
    applied = []
    settings.ARCHIVE_IMPORT_BATCH = 50  # a fresh index from 2 batches' pages on
    monkeypatch.setattr(import_run, "_apply", lambda batch: applied.append(batch))
    code, out, _ = run("--workers", "2", str(real_pages))
    assert code == 0 and "imported 150" in out
    assert applied == []  # no batch went to the live index: 150 pages outgrow its 5 articles
    indexed = engines.get_engine().indexed_versions()
    assert set(indexed) == set(Article.objects.values_list("pk", flat=True)) and seeds <= set(indexed)
    assert recovery.drift().ok and not IndexTask.objects.exists()
    assert {"002", "003"} <= {name[:3] for name in found_names("口罩")}


def found_names(query: str) -> list[str]:
    from archive.search.results import search_articles

    return [hit.article.source_file for hit in search_articles(query=query, per_page=100).results]


def test_the_progress_bar_counts_pages_per_second(real_pages) -> None:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_seeds", "--progress", str(real_pages), stdout=out, stderr=err)
    assert "150/150" in err.getvalue() and "page/s" in err.getvalue()


def test_workers_must_be_positive(collection) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--workers"):
        call_command("import_seeds", "--workers", "0", str(collection), stdout=io.StringIO(), stderr=io.StringIO())
