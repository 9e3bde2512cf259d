"""Worker processes for the CPU-bound part of an import (archive.importing.prepare).

Chunks of items go to a process pool and come back in order, with at most `depth` chunks per
worker in flight, so memory stays bounded however many items the stream holds. Workers are
forked once the segmenter and converters are loaded, so they share those pages with the parent;
they never use the parent's database connection (prepare touches no database), and they end
when the parent does, even when it is killed (archive.orphans).
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

from django.db import connections

from archive.orphans import die_with_parent
from archive.warming import load_text_tables

T = TypeVar("T")
R = TypeVar("R")


class Workers:
    """`map` runs a function over chunks in `processes` worker processes (in this process when 1)."""

    def __init__(self, processes: int, *, depth: int = 2) -> None:
        self.processes = processes
        self.depth = depth
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Workers:
        if self.processes > 1:
            load_text_tables()  # before forking, so the workers share the tables' pages
            # Forked children keep the parent's open database connections: close them first, so
            # nothing the children inherit is ever in use (they never query). One inside a
            # transaction (a test's) cannot be closed without breaking it: the children leave it be.
            for connection in connections.all(initialized_only=True):
                if not connection.in_atomic_block:
                    connection.close()
            self._pool = ProcessPoolExecutor(
                self.processes,
                mp_context=multiprocessing.get_context("fork"),
                initializer=die_with_parent,
                initargs=(os.getpid(),),
            )
            self._pool.submit(int).result()  # start the processes now, before any lock or thread exists
        return self

    def __exit__(self, *exc_info) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def map(self, function: Callable[[list[T]], R], chunks: Iterable[list[T]]) -> Iterator[R]:
        """function(chunk) for each chunk, in order."""
        if self._pool is None:
            for chunk in chunks:
                yield function(chunk)
            return
        pending: deque = deque()
        limit = self.processes * self.depth
        for chunk in chunks:
            pending.append(self._pool.submit(function, chunk))
            if len(pending) >= limit:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
