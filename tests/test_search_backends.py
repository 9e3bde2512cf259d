"""One backend test suite, run against every search engine that is available (as Wagtail does).

EngineContract holds what a user sees, through the service and the index queue: which articles a
query finds, its count, facets and pages, the ranking tiers, cross-language expansion, the index
following edits and deletes, and a rebuild from the database. Each subclass points the archive at
one engine:

- TestWhoosh: the local Whoosh index (the default).
- TestReferenceCluster: the Elasticsearch engine on tests/support/es_reference.py, our evaluator of the
  query DSL we emit (not Elasticsearch; it shows that the engine's requests mean the same thing).
- TestCluster: the Elasticsearch engine on a real Elasticsearch or OpenSearch cluster, when
  SEARCH_URL names one (e.g. `SEARCH_URL=elasticsearch://127.0.0.1:9200 make test`, which also
  runs the rest of the suite on it); skipped otherwise.
"""

from __future__ import annotations

import datetime
import os

import pytest
from django.utils import timezone

from archive.filters import Filters
from archive.models import Article, Paragraph
from archive.search import engines, indexing, recovery
from archive.search.engines.config import cluster_connection
from archive.search.engines.elastic import ElasticEngine
from archive.search.engines.whoosh import WhooshEngine
from archive.search.results import date_counts, matching_article_ids, search_articles
from tests.support.es_reference import ReferenceCluster
from tests.support.seeds import RANKING_DIR, SEED_QUERY_TABLE, found_files, import_and_index, seed_numbers

CLUSTER_FROM_ENVIRONMENT = cluster_connection(os.environ.get("SEARCH_URL", ""))


class EngineContract:
    engine_class: type

    @pytest.fixture(autouse=True)
    def engine(self, settings, monkeypatch):
        raise NotImplementedError  # each subclass configures its engine

    def test_the_engine_in_use_is_this_class(self, db):
        assert isinstance(engines.get_engine(), self.engine_class)

    @pytest.mark.parametrize(("query", "expected"), SEED_QUERY_TABLE)
    def test_the_search_table(self, seeded, query, expected):
        assert seed_numbers(query) == expected

    @pytest.mark.parametrize(
        ("query", "options", "expected"),
        [
            ("mask", {"expand": True}, {"002", "003"}),
            ("work resumption", {"expand": True}, {"000", "002", "003"}),
            ("Dongguan", {"expand": True}, {"002", "004"}),
            ("fugong fuchan", {}, {"000", "002", "003"}),
            ("huaqiangbei", {}, {"003"}),
        ],
    )
    def test_across_languages(self, seeded, query, options, expected):
        assert {name[:3] for name in found_files(query, **options)} == expected

    def test_count_facets_and_pages(self, seeded):
        page = search_articles(query="深圳", per_page=2)
        assert page.count == len(matching_article_ids(query="深圳")) >= 3
        assert len(page.results) == 2 and page.num_pages == -(-page.count // 2)
        second = search_articles(query="深圳", per_page=2, page=2)
        assert not {hit.article.pk for hit in page.results} & {hit.article.pk for hit in second.results}
        assert sum(n for _, _, n in page.facets["language"]) == page.count
        traditional = search_articles(query="深圳", filters=Filters(language="zh-Hant"))
        assert {hit.article.language for hit in traditional.results} == {"zh-Hant"}

    def test_date_counts_for_the_timeline(self, seeded):
        # 000 is 2020-03-20, 002 2020-03-31; 003 (4 March, no year) and 004 (no date) are unknown.
        counts = date_counts(query="疫情")
        assert dict(counts.days) == {20200320: 1, 20200331: 1}
        assert dict(counts.months) == {"2020-03": 2, "unknown": 2} and counts.total == 4
        march = date_counts(query="疫情", filters=Filters(date_from=datetime.date(2020, 3, 21)))
        assert dict(march.days) == {20200331: 1} and march.total == 1

    @pytest.mark.parametrize("sort", ["newest", "oldest"])
    def test_sorting_by_date_puts_unknown_and_partial_dates_last(self, seeded, sort):
        # 000 is 2020-03-20, 002 2020-03-31; 003 is 4 March with no year, 004 has no date.
        order = [hit.article.source_file[:3] for hit in search_articles(query="疫情", sort=sort, per_page=100).results]
        dated = ["002", "000"] if sort == "newest" else ["000", "002"]
        assert order[:2] == dated and set(order[2:]) == {"003", "004"}
        relevance = [hit.article.source_file[:3] for hit in search_articles(query="疫情", per_page=100).results]
        assert relevance != order  # relevance is another order (the seed table gives several)

    def test_ranking_tiers(self, db):
        import_and_index(RANKING_DIR)
        assert found_files("华人") == ["realword", "straddle"]
        # title_only.html has 口罩 only in its <title>, body_mask.txt four times in its text.
        assert found_files("口罩")[:3] == ["title_mask", "title_only", "body_mask"]

    @pytest.mark.django_db(transaction=True)  # the queue drains on commit
    def test_the_index_follows_edits_and_deletes(self, seeded):
        paragraph = Paragraph.objects.get(article=seeded["003"], text__contains="華強北商戶")
        paragraph.text = paragraph.text.replace("華強北", "赛格广场")
        paragraph.save()
        assert seed_numbers("赛格广场") == {"003"}
        Article.objects.get(pk=seeded["004"].pk).delete()
        assert seed_numbers("寶安") == set()

    def test_drift_from_the_database_is_found_and_repaired(self, seeded):
        """check_index's comparison, through the engine: each article at its version in the index."""
        assert recovery.drift().ok
        stale, lost = seeded["002"], seeded["004"]
        # Changes the queue never heard of: a row edited behind its back, a document lost, one left over.
        Article.objects.filter(pk=stale.pk).update(title="赛格广场通告", updated_at=timezone.now())
        engines.get_engine().apply(documents=[], removed_ids=[indexing.identifier(lost.pk)])
        ghost = indexing.all_documents().__next__() | {"id": indexing.identifier(999_999), "article_pk": 999_999}
        engines.get_engine().apply(documents=[ghost], removed_ids=[])
        found = recovery.drift()
        assert (found.stale, found.missing, found.extra) == ([stale.pk], [lost.pk], [999_999])
        assert not found.ok and "1 stale" in found.describe()
        assert seed_numbers("赛格广场") == set()
        recovery.repair_drift()
        assert recovery.drift().ok
        assert seed_numbers("赛格广场") == {"002"} and seed_numbers("寶安") == {"004"}

    def test_an_emptied_index_is_rebuilt_from_the_database(self, seeded):
        engines.get_engine().build_fresh(documents=[])
        assert recovery.diagnose() == recovery.EMPTY
        assert recovery.check_index(repair_it=True) == recovery.OK
        assert seed_numbers("华强北") == {"003"}


class TestWhoosh(EngineContract):
    engine_class = WhooshEngine

    @pytest.fixture(autouse=True)
    def engine(self, settings):
        settings.ARCHIVE_SEARCH_CLUSTER = None


class TestReferenceCluster(EngineContract):
    engine_class = ElasticEngine

    @pytest.fixture(autouse=True)
    def engine(self, settings, monkeypatch):
        settings.ARCHIVE_SEARCH_CLUSTER = {"URL": "elasticsearch://reference.invalid:9200", "INDEX": "archive"}
        engine = ElasticEngine(url="elasticsearch://reference.invalid:9200", index="archive", client=ReferenceCluster())
        monkeypatch.setattr(engines, "_elastic_engine", lambda **_: engine)


@pytest.mark.skipif(
    CLUSTER_FROM_ENVIRONMENT is None,
    reason="no Elasticsearch/OpenSearch SEARCH_URL set (e.g. SEARCH_URL=elasticsearch://127.0.0.1:9200 make test)",
)
class TestCluster(EngineContract):
    engine_class = ElasticEngine

    @pytest.fixture(autouse=True)
    def engine(self, settings):
        # conftest gives each test its own index on the cluster; make sure it is in use.
        assert settings.ARCHIVE_SEARCH_CLUSTER["URL"] == CLUSTER_FROM_ENVIRONMENT["URL"]
