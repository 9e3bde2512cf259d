"""Near-duplicate reposts in the database: signatures stored, groups kept, curators' changes,
and what the search, the article page and the API read (services and selectors).

Signatures are computed in the import workers (archive.duplicates.signature) and written with
their article (archive.importing.writing). Grouping runs after each batch is written
(`Grouping.apply`) in its own transaction: the groups are derived data, recomputable from the
stored signatures at any time (`regroup`, the regroup_copies command). A signature written but
not yet grouped (a crash between the two) is `grouped=False` and is picked up by the next import
or regroup. A curator's split or merge pins the articles concerned, which automatic grouping
then leaves alone.

A group is shown by one article: its earliest-dated member, else the first imported.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from simple_history.utils import bulk_update_with_history

from archive import duplicates
from archive.models import Article, Fingerprint, Paragraph

T = TypeVar("T")

_CHUNK = 2000  # signatures read (and added to the LSH) at once

# --- writes ----------------------------------------------------------------------------------------


def store_signatures(*, signatures: dict[int, bytes]) -> None:
    """Store (or replace) the articles' signatures, to be grouped (inside the caller's transaction)."""
    if not signatures:
        return
    Fingerprint.objects.bulk_create(
        [Fingerprint(article_id=pk, signature=signature, grouped=False) for pk, signature in signatures.items()],
        update_conflicts=True,
        unique_fields=["article"],
        update_fields=["signature", "grouped"],
    )


class Grouping:
    """The archive's unpinned signatures in an LSH index, loaded once (on first use) for a run of
    imports; `apply` groups the given articles (and any left ungrouped by an earlier crash)."""

    def __init__(self, *, threshold: float = duplicates.THRESHOLD) -> None:
        self.threshold = threshold
        self.groups: duplicates.Groups | None = None

    def _load(self) -> tuple[duplicates.Groups, list[int]]:
        groups = duplicates.Groups(threshold=self.threshold)
        pending: list[int] = []
        by_group: dict[int, list[int]] = {}
        rows = Fingerprint.objects.filter(pinned=False).values_list("article_id", "signature", "group", "grouped")
        for chunk in _chunks(rows.iterator(chunk_size=_CHUNK), _CHUNK):
            # A row not yet grouped (written by this run's first batch, or left by a crash) is
            # loaded in its stored group too, so that `apply` takes it out of it before regrouping it.
            groups.add(((pk, bytes(signature)) for pk, signature, _, _ in chunk), join=False)
            pending += [pk for pk, _, _, grouped in chunk if not grouped]
            for pk, _, group, _ in chunk:
                if group is not None:
                    by_group.setdefault(group, []).append(pk)
        for members in by_group.values():
            for other in members[1:]:
                groups.union(members[0], other)
        return groups, pending

    def apply(self, *, article_ids: Iterable[int]) -> None:
        ids = list(article_ids)
        if self.groups is None:
            self.groups, pending = self._load()
            ids += pending
        if not ids:
            return
        groups = self.groups
        rows = Fingerprint.objects.filter(article_id__in=set(ids), pinned=False).values_list("article_id", "signature")
        # A changed article's old group is regrouped without it (`add` replaces it).
        touched = groups.add((pk, bytes(signature)) for pk, signature in rows)
        with transaction.atomic():
            _write_groups(groups, touched)
            Fingerprint.objects.filter(article_id__in=touched).update(grouped=True)
            if any(len(groups.component(pk)) > 1 for pk in touched):  # a group, or a member's date, changed
                groups_changed()


def _write_groups(groups: duplicates.Groups, keys: set[int]) -> int:
    """Give each group touched by `keys` its id (its smallest article id; none for one alone);
    returns how many rows changed."""
    wanted: dict[int, int | None] = {}
    for key in keys:
        members = groups.component(key)
        group = members[0] if len(members) > 1 else None
        wanted.update(dict.fromkeys(members, group))
    current = dict(Fingerprint.objects.filter(article_id__in=wanted).values_list("article_id", "group"))
    changes: dict[int | None, list[int]] = {}
    for pk, group in wanted.items():
        if pk in current and current[pk] != group:
            changes.setdefault(group, []).append(pk)
    for group, pks in changes.items():
        Fingerprint.objects.filter(article_id__in=pks, pinned=False).update(group=group)
    return sum(map(len, changes.values()))


@dataclass
class RegroupReport:
    signed: int  # signatures computed from the stored paragraphs
    articles: int  # unpinned signatures grouped
    changed: int  # rows whose group changed
    groups: int  # groups of more than one article


def regroup(*, resign: bool = False, threshold: float = duplicates.THRESHOLD) -> RegroupReport:
    """Recompute every unpinned group from the stored signatures, first computing the signatures
    of articles that have none (imported before signatures were) or, with `resign`, of all."""
    missing = Article.objects.all() if resign else Article.objects.filter(fingerprint__isnull=True)
    signed = 0
    for chunk in _chunks(missing.values_list("pk", flat=True).iterator(chunk_size=_CHUNK), 500):
        paragraphs: dict[int, list[tuple[str, bool]]] = {pk: [] for pk in chunk}
        rows = Paragraph.objects.filter(article_id__in=chunk).order_by("article_id", "position")
        for pk, text, furniture in rows.values_list("article_id", "text", "is_boilerplate"):
            paragraphs[pk].append((text, furniture))
        with transaction.atomic():
            store_signatures(signatures={pk: duplicates.signature(texts) for pk, texts in paragraphs.items()})
        signed += len(chunk)
    groups = duplicates.Groups(threshold=threshold)
    rows = Fingerprint.objects.filter(pinned=False).order_by("article_id").values_list("article_id", "signature")
    for chunk in _chunks(rows.iterator(chunk_size=_CHUNK), _CHUNK):
        groups.add((pk, bytes(signature)) for pk, signature in chunk)
    with transaction.atomic():
        changed = _write_groups(groups, set(groups.parent))
        Fingerprint.objects.filter(pinned=False, grouped=False).update(grouped=True)
        groups_changed()
    return RegroupReport(signed=signed, articles=len(groups.parent), changed=changed, groups=len(groups.groups()))


def _chunks(items: Iterable[T], size: int) -> Iterable[list[T]]:
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def split_article(*, article_id: int, user=None) -> bool:
    """A curator's split: the article leaves its group (and stays out: pinned). The rest of the
    group keeps its id unless it was this article's. False when it was in no group."""
    with transaction.atomic():
        row = Fingerprint.objects.select_for_update().filter(article_id=article_id).first()
        if row is None or row.group is None:
            return False
        group = row.group
        rest = list(Fingerprint.objects.filter(group=group).exclude(article_id=article_id))
        changed = [row]
        row.group, row.pinned = None, True
        if len(rest) == 1:
            rest[0].group = None
            rest[0].pinned = True
            changed += rest
        elif group == article_id:
            new = min(other.article_id for other in rest)
            for other in rest:
                other.group = new
            changed += rest
        reason = f"split article {article_id} out of group {group}"
        bulk_update_with_history(
            changed, Fingerprint, ["group", "pinned"], default_user=user, default_change_reason=reason
        )
        groups_changed()
    return True


def merge_groups(*, article_ids: Iterable[int], user=None) -> int | None:
    """A curator's merge: the selected articles and every member of their groups become one
    group (pinned). Returns its id, or None when fewer than two articles would be in it."""
    ids = set(article_ids)
    with transaction.atomic():
        selected = list(Fingerprint.objects.select_for_update().filter(article_id__in=ids))
        missing = ids - {row.article_id for row in selected}
        if missing:  # an article without a signature row (added by hand): give it one
            store_signatures(signatures=dict.fromkeys(missing, b""))
            selected = list(Fingerprint.objects.select_for_update().filter(article_id__in=ids))
        groups = {row.group for row in selected if row.group is not None}
        members = {row.article_id: row for row in selected}
        for row in Fingerprint.objects.filter(group__in=groups):
            members.setdefault(row.article_id, row)
        if len(members) < 2:
            return None
        group = min(members)
        for row in members.values():
            row.group, row.pinned, row.grouped = group, True, True
        reason = f"merged into group {group}"
        bulk_update_with_history(
            list(members.values()), Fingerprint, ["group", "pinned", "grouped"], default_user=user,
            default_change_reason=reason,
        )  # fmt: skip
        groups_changed()
    return group


# --- reads -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    """A search result standing for its group: the article shown and how many other copies it has."""

    pk: int
    copies: int


def _first_key(published_on, imported_at, pk):
    """Earliest-dated first (complete dates only), else first imported."""
    return (published_on is None, published_on or imported_at.date(), imported_at, pk)


class GroupTable:
    """Every grouped article as arrays indexed by article id: its group (-1: none), its place in
    the order a group's shown member is chosen by (_first_key), and each group's size. Read once
    per version of the groups (`groups_changed`), not once per search."""

    def __init__(self) -> None:
        rows = list(
            Fingerprint.objects.filter(group__isnull=False).values_list(
                "article_id", "group", "article__published_on", "article__imported_at"
            )
        )
        size = max((max(pk, group) for pk, group, _, _ in rows), default=-1) + 1
        self.group = np.full(size, -1, dtype=np.int64)
        self.place = np.zeros(size, dtype=np.int64)
        rows.sort(key=lambda row: _first_key(row[2], row[3], row[0]))
        pks = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
        self.group[pks] = np.fromiter((row[1] for row in rows), dtype=np.int64, count=len(rows))
        self.place[pks] = np.arange(len(rows))
        self.size = np.bincount(self.group[pks], minlength=size)

    def __bool__(self) -> bool:
        return bool(len(self.group))


# The version of the groups every process reads (in the shared cache, like the rate limits), and
# this process's table with the version it was read at.
GROUPS_VERSION = "archive:copies:groups-version"
_table: tuple[str, GroupTable] | None = None
_table_lock = threading.Lock()


def groups_changed() -> None:
    """Every process reads the groups anew: call after any change to a group, or to the date of
    an article in one. The version changes now (this transaction reads its own change) and again
    once the transaction commits (a process that read the groups meanwhile read them without it)."""
    _new_version()
    transaction.on_commit(_new_version)


def _new_version() -> None:
    cache.set(GROUPS_VERSION, uuid.uuid4().hex, None)


def group_table() -> GroupTable:
    """The groups as they are now (re-read when another process or this one changed them)."""
    global _table
    version = cache.get(GROUPS_VERSION)
    if version is None:  # never set, or evicted: a new version, so no process keeps an old table
        cache.add(GROUPS_VERSION, uuid.uuid4().hex, None)
        version = cache.get(GROUPS_VERSION)
    with _table_lock:
        if _table is None or _table[0] != version:
            _table = (version, GroupTable())
        return _table[1]


@dataclass(frozen=True)
class Collapsed:
    """Ranked articles, one per group: the article shown at each place and its group's other copies."""

    pks: np.ndarray
    copies: np.ndarray

    def __len__(self) -> int:
        return len(self.pks)

    def shown(self, start: int = 0, stop: int | None = None) -> list[Shown]:
        return [
            Shown(pk=pk, copies=n)
            for pk, n in zip(self.pks[start:stop].tolist(), self.copies[start:stop].tolist(), strict=True)
        ]


def collapse(*, pks: list[int], table: GroupTable) -> Collapsed:
    """Ranked article ids → one per group, at the place of its best-ranked member: the group's
    earliest-dated matching member, with the number of its other copies (matching or not)."""
    ranked = np.asarray(pks, dtype=np.int64)
    copies = np.zeros(len(ranked), dtype=np.int64)
    known = ranked < len(table.group)
    groups = np.full(len(ranked), -1, dtype=np.int64)
    groups[known] = table.group[ranked[known]]
    grouped = np.flatnonzero(groups >= 0)
    if not len(grouped):
        return Collapsed(ranked, copies)
    members, member_groups = ranked[grouped], groups[grouped]
    # In one pass over the matches (no sort: a broad search matches most of the archive), per
    # group (arrays indexed by group id): where it is shown, its best-ranked member's place …
    first = np.full(len(table.size), len(ranked), dtype=np.int64)
    np.minimum.at(first, member_groups, grouped)
    # … and which member: the first in _first_key order (places are unique).
    places = table.place[members]
    lowest = np.full(len(table.size), np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(lowest, member_groups, places)
    chosen = places == lowest[member_groups]
    best = np.zeros(len(table.size), dtype=np.int64)
    best[member_groups[chosen]] = members[chosen]
    ids = np.flatnonzero(first < len(ranked))
    keep = groups < 0
    at = first[ids]
    keep[at] = True
    shown = ranked.copy()
    shown[at] = best[ids]
    copies[at] = table.size[ids] - 1
    return Collapsed(shown[keep], copies[keep])


@dataclass(frozen=True)
class Copy:
    article: Article
    similarity: float  # estimated Jaccard similarity of the bodies, 0–1
    earliest: bool  # the group's earliest copy (the one the others are compared with)

    @property
    def percent(self) -> int:
        return round(self.similarity * 100)


def copies_of(*, article: Article) -> list[Copy]:
    """The other articles of the article's group, earliest first, each with its similarity to it."""
    row = Fingerprint.objects.filter(article=article).first()
    if row is None or row.group is None:
        return []
    members = list(
        Fingerprint.objects.filter(group=row.group)
        .select_related("article", "article__source")
        .order_by(F("article__published_on").asc(nulls_last=True), "article__imported_at", "article_id")
    )
    earliest = members[0].article_id
    return [
        Copy(
            article=member.article,
            similarity=duplicates.similarity(bytes(row.signature), bytes(member.signature)),
            earliest=member.article_id == earliest,
        )
        for member in members
        if member.article_id != article.pk
    ]


def near_duplicates(*, article: Article) -> list[dict]:
    """/api/articles/<id>'s "near_duplicates": the other copies, most similar first."""
    found = sorted(copies_of(article=article), key=lambda copy: (-copy.similarity, copy.article.pk))
    return [{"id": copy.article.pk, "similarity": copy.similarity} for copy in found]


def with_near_duplicates(data: dict, *, article: Article) -> dict:
    """An article's API representation with its "near_duplicates"."""
    return {**data, "near_duplicates": near_duplicates(article=article)}


def page_context(*, article: Article) -> dict:
    """What the article page shows of its copies: the list (earliest first) and, unless it is the
    earliest, its body paragraphs against the earliest copy's."""
    found = copies_of(article=article)
    earliest = next((copy.article for copy in found if copy.earliest), None)
    diff = duplicates.paragraph_diff(earliest=_body(earliest), copy=_body(article)) if earliest else []
    return {"copies": found, "diff_base": earliest, "diff": diff}


def _body(article: Article) -> list[str]:
    return list(
        Paragraph.objects.filter(article=article, is_boilerplate=False)
        .order_by("position")
        .values_list("text", flat=True)
    )
