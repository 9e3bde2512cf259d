"""Loading, before a process does its first piece of work, what that work would otherwise load then.

A fresh process's first search loads jieba's dictionary, OpenCC's and pypinyin's tables, opens
the index and reads its columns (seconds at 100,000 articles): a web worker that did this in its
first request would keep that request's client waiting, and under load could pass gunicorn's
timeout and be killed. config/wsgi.py warms each worker as it starts, before it serves; an import
loads the text tables once before forking its workers (archive.importing.workers).
"""

from __future__ import annotations

import logging
import time

log = logging.getLogger("archive.search")


def load_text_tables() -> None:
    """jieba's dictionary, OpenCC's converters and pypinyin's tables, loaded by analysing a line."""
    from archive.search.documents import index_fields

    index_fields(title="預熱 warm-up", title_language="zh-Hant", paragraphs=[("复工复产，口罩。", "zh-Hans", False)])


def warm_search() -> None:
    """The text tables, then one search (the index opened, its columns read, a page of results
    loaded). A failure (no index yet, no database) is logged: the first request reports it."""
    started = time.perf_counter()
    try:
        from archive.search.results import search_articles

        load_text_tables()
        search_articles(query="疫情")
    except Exception:
        log.warning("warming up the search failed; the first search will load what it needs", exc_info=True)
        return
    log.info("search warmed up in %.1f s", time.perf_counter() - started)
