"""SEARCH_URL parsing (archive.search.engines.config) and the Elasticsearch mapping
(archive.search.engines.elastic.mapping)."""

from __future__ import annotations

import datetime
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from archive.search.documents import article_document, index_fields
from archive.search.engines.config import HAYSTACK_ENGINE, cluster_connection, search_connection
from archive.search.engines.elastic.mapping import ANALYZER, index_mapping
from archive.search.fields import GRAM_FIELDS, KEYWORD_FIELDS, NUMERIC_FIELDS, TEXT_FIELDS

DEFAULT = Path("/data/whoosh_index")
REPO = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("url", "path"),
    [
        (None, "/data/whoosh_index"),
        ("", "/data/whoosh_index"),
        ("  ", "/data/whoosh_index"),
        ("whoosh://", "/data/whoosh_index"),
        ("whoosh:///", "/data/whoosh_index"),
        ("whoosh:///srv/index", "/srv/index"),
        ("WHOOSH:///srv/index/", "/srv/index/"),
        ("whoosh:///srv/my%20index", "/srv/my index"),
    ],
)
def test_whoosh_urls(url, path):
    assert search_connection(url, default_path=DEFAULT) == {"ENGINE": HAYSTACK_ENGINE, "PATH": path}


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("elasticsearch://", "no host"),
        ("opensearch:///archive", "no host"),
        ("elasticsearch://127.0.0.1:9200/Archive", "is not an index name"),
        ("elasticsearch://127.0.0.1:9200/a/b", "is not an index name"),
        ("solr://127.0.0.1:8983/archive", "unknown scheme"),
        ("/srv/index", "unknown scheme"),
        ("whoosh://relative/index", "whoosh:///absolute/path"),
        ("whoosh:///srv/index?x=1", "whoosh:///absolute/path"),
    ],
)
def test_refused_urls(url, message):
    with pytest.raises(ImproperlyConfigured, match=re.escape(message)):
        search_connection(url, default_path=DEFAULT)
        cluster_connection(url)


@pytest.mark.parametrize(
    ("url", "cluster"),
    [
        ("elasticsearch://127.0.0.1:9200/archive", {"URL": "elasticsearch://127.0.0.1:9200", "INDEX": "archive"}),
        ("elasticsearchs://u:p@es.internal:9243", {"URL": "elasticsearchs://u:p@es.internal:9243", "INDEX": "archive"}),
        (
            "opensearch://search.internal:9200/briefings",
            {"URL": "opensearch://search.internal:9200", "INDEX": "briefings"},
        ),
        ("whoosh:///srv/index", None),
        ("", None),
    ],
)
def test_cluster_urls(url, cluster):
    assert cluster_connection(url) == cluster
    # Haystack always gets a Whoosh connection; with a cluster nothing uses it.
    assert search_connection(url, default_path=DEFAULT)["ENGINE"] == HAYSTACK_ENGINE


def test_settings_use_the_parsed_connection():
    # Paths are per test here (conftest); the subprocess tests below check them in real settings.
    assert settings.HAYSTACK_CONNECTIONS["default"]["ENGINE"] == HAYSTACK_ENGINE


def _settings_in_subprocess(tmp_path: Path, search_url: str) -> subprocess.CompletedProcess:
    code = "import django; django.setup(); from django.conf import settings; print(settings.SEARCH_INDEX_DIR)"
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "ARCHIVE_DATA_DIR": str(tmp_path),
        "SEARCH_URL": search_url,
    }
    return subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True)


def test_search_url_sets_the_index_directory(tmp_path):
    done = _settings_in_subprocess(tmp_path, f"whoosh://{tmp_path / 'elsewhere'}")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(tmp_path / "elsewhere")


def test_an_elasticsearch_url_selects_the_cluster_engine(tmp_path):
    code = (
        "import django; django.setup(); from archive.search import engines, indexing; "
        "engine = engines.get_engine(); print(type(engine).__name__, engine.location)"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "ARCHIVE_DATA_DIR": str(tmp_path),
        "SEARCH_URL": "elasticsearch://127.0.0.1:9/briefings",
    }
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[0] == "ElasticEngine" and "briefings" in done.stdout


def test_mapping_covers_exactly_the_indexed_fields():
    properties = index_mapping()["mappings"]["properties"]
    fields = index_fields(title="t", title_language="en", paragraphs=[])
    document = article_document(
        pk=1, language="en", source_pk=None, pub_year=2020, pub_month=3, pub_day=None,
        updated_at=datetime.datetime(2020, 3, 1, tzinfo=datetime.UTC), fields=fields,
    )  # fmt: skip
    assert set(properties) == set(document)


def test_mapping_field_types_follow_backend_lists():
    mapping = index_mapping()
    properties = mapping["mappings"]["properties"]
    for name in (*TEXT_FIELDS, *GRAM_FIELDS):
        assert properties[name]["type"] == "text", name
        assert properties[name]["analyzer"] == ANALYZER, name
    for name in TEXT_FIELDS:  # phrase queries need positions
        assert properties[name]["index_options"] == "positions", name
    for name in GRAM_FIELDS:
        assert properties[name]["index_options"] == "freqs", name
    for name in KEYWORD_FIELDS:
        assert properties[name] == {"type": "keyword"}, name
    for name in NUMERIC_FIELDS:
        assert properties[name] == {"type": "long"}, name
    analyzer = mapping["settings"]["analysis"]["analyzer"][ANALYZER]
    assert analyzer == {"type": "custom", "tokenizer": "whitespace", "filter": []}  # we analyse, it only splits
    assert mapping["mappings"]["dynamic"] == "strict"
