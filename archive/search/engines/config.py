"""SEARCH_URL: which search engine, and where, as one URL (parsed in config/settings.py).

    whoosh:///var/lib/archive/whoosh_index   the local Whoosh index at that absolute path
    whoosh://                                 the local Whoosh index at the default path
    (unset or empty)                          the same as whoosh://

    elasticsearch://host:9200/archive        an Elasticsearch cluster, index (alias) "archive"
    elasticsearchs://user:pw@host:9200/x     the same over HTTPS, with basic auth
    opensearch://host:9200/archive           an OpenSearch cluster (opensearchs:// for HTTPS)

With a cluster, Haystack still gets a Whoosh connection (it insists on one) that nothing
reads or writes. Pure: no settings are read here.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

# Haystack's engine: our Whoosh writing backend, and SearchQuerySet answered by our search.
HAYSTACK_ENGINE = "archive.search.haystack_api.HaystackEngine"
CLUSTER_SCHEMES = frozenset({"elasticsearch", "elasticsearchs", "opensearch", "opensearchs"})
DEFAULT_CLUSTER_INDEX = "archive"
_INDEX_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,200}$")


def search_connection(url: str | None, *, default_path: Path | str) -> dict:
    """The HAYSTACK_CONNECTIONS["default"] entry for a SEARCH_URL."""
    url = (url or "").strip()
    if not url:
        return {"ENGINE": HAYSTACK_ENGINE, "PATH": str(default_path)}
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme in CLUSTER_SCHEMES:
        return {"ENGINE": HAYSTACK_ENGINE, "PATH": str(default_path)}
    if scheme != "whoosh":
        raise ImproperlyConfigured(f"SEARCH_URL {url!r}: unknown scheme {scheme!r} (expected whoosh:///absolute/path)")
    if parts.netloc or parts.query or parts.fragment:
        raise ImproperlyConfigured(
            f"SEARCH_URL {url!r}: a Whoosh index is a local directory, written whoosh:///absolute/path"
        )
    path = unquote(parts.path)
    if not path or path == "/":
        path = str(default_path)
    return {"ENGINE": HAYSTACK_ENGINE, "PATH": path}


def cluster_connection(url: str | None) -> dict | None:
    """For an Elasticsearch/OpenSearch SEARCH_URL: the cluster's URL (without the index) and the
    index name; None for Whoosh."""
    url = (url or "").strip()
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in CLUSTER_SCHEMES:
        return None
    if not parts.hostname:
        raise ImproperlyConfigured(f"SEARCH_URL {scheme}://…: no host (expected {scheme}://host:9200/index)")
    index = unquote(parts.path.strip("/")) or DEFAULT_CLUSTER_INDEX
    if not _INDEX_NAME.match(index):
        raise ImproperlyConfigured(
            f"SEARCH_URL {scheme}://…: {index!r} is not an index name (lower case letters, digits, - _ .)"
        )
    return {"URL": f"{scheme}://{parts.netloc}", "INDEX": index}
