"""The search engines behind one contract (base.SearchEngine): the local Whoosh index (whoosh/) and
an Elasticsearch or OpenSearch cluster (elastic/), chosen by SEARCH_URL (config.py).

Nothing is imported here at module level: config/settings.py imports engines.config, before
Django is set up.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from archive.search.engines.base import SearchEngine
    from archive.search.engines.whoosh.backend import ArchiveWhooshBackend


def get_engine() -> SearchEngine:
    """The engine SEARCH_URL names: a cluster's, else the local Whoosh index."""
    from django.conf import settings

    cluster = getattr(settings, "ARCHIVE_SEARCH_CLUSTER", None)
    if cluster:
        return _elastic_engine(url=cluster["URL"], index=cluster["INDEX"])
    from archive.search.engines.whoosh import WhooshEngine

    return WhooshEngine(whoosh_backend())


@functools.cache
def _elastic_engine(*, url: str, index: str) -> SearchEngine:
    from archive.search.engines.elastic import ElasticEngine  # its client libraries load only when used

    return ElasticEngine(url=url, index=index)


def whoosh_backend() -> ArchiveWhooshBackend:
    """This thread's Haystack Whoosh backend, reopened if the configured index path changed (as tests do)."""
    from haystack import connections

    engine = connections["default"]
    if engine.get_backend().path != connections.connections_info["default"]["PATH"]:
        engine = connections.reload("default")
    return engine.get_backend()
