"""A reference evaluator of the Elasticsearch query DSL subset archive.search.engines.elastic emits — NOT
Elasticsearch.

It stands in for a cluster in tests (there is none on this machine): ReferenceCluster has the
calls of elastic.Cluster, keeps indices and aliases in memory, records every call, and answers
searches by executing our DSL over the documents' _source as Lucene would see them:

- text fields split on whitespace, each array element after the last one's position plus the
  mapping's position_increment_gap (so a phrase never spans two paragraphs);
- bool (must, should, filter, must_not, minimum_should_match), term, prefix, match_phrase
  (slop 0), constant_score, range and match_all; anything else raises, so the tests notice new DSL;
- Lucene's BM25 (idf * tf / (tf + k1 * (1 - b + b * dl / avgdl)), k1 and b from the mapping;
  a phrase's idf is the sum of its terms'), a prefix scoring 1, scores rounded to float32;
- sort on _score and fields, from/size, search_after, track_total_hits, terms aggregations, and
  `_source` either false or a list of the fields to return.

Lengths are exact here where Lucene stores them lossily, so BM25 agrees only approximately;
which documents match does not depend on it.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

import numpy as np


@dataclass
class _Index:
    body: dict
    docs: dict[str, dict] = field(default_factory=dict)  # as written
    visible: dict[str, dict] = field(default_factory=dict)  # as of the last refresh

    @property
    def properties(self) -> dict:
        return self.body["mappings"]["properties"]


class ReferenceCluster:
    """In-memory indices and aliases behind elastic.Cluster's calls; `calls` records them in order."""

    def __init__(self) -> None:
        self.indices: dict[str, _Index] = {}
        self.aliases: dict[str, set[str]] = {}
        self.calls: list[tuple[str, dict]] = []

    def _targets(self, name: str) -> list[_Index]:
        if name in self.aliases:
            return [self.indices[index] for index in sorted(self.aliases[name])]
        if name in self.indices:
            return [self.indices[name]]
        raise LookupError(f"no such index: {name}")

    # --- elastic.Cluster's calls ----------------------------------------------------------------

    def create_index(self, *, name: str, body: dict) -> None:
        self.calls.append(("create_index", {"name": name, "body": body}))
        if name in self.indices or name in self.aliases:
            raise ValueError(f"resource_already_exists_exception: {name}")
        self.indices[name] = _Index(body={key: value for key, value in body.items() if key != "aliases"})
        for alias in body.get("aliases", {}):
            self.aliases.setdefault(alias, set()).add(name)

    def delete_indices(self, *, names: list[str]) -> None:
        self.calls.append(("delete_indices", {"names": list(names)}))
        for name in names:
            self.indices.pop(name, None)
            for targets in self.aliases.values():
                targets.discard(name)
        self.aliases = {alias: targets for alias, targets in self.aliases.items() if targets}

    def alias_targets(self, *, alias: str) -> list[str]:
        self.calls.append(("alias_targets", {"alias": alias}))
        return sorted(self.aliases.get(alias, ()))

    def update_aliases(self, *, actions: list[dict]) -> None:
        self.calls.append(("update_aliases", {"actions": actions}))
        aliases = {alias: set(targets) for alias, targets in self.aliases.items()}
        for action in actions:  # all or nothing, as the _aliases API
            ((kind, spec),) = action.items()
            if spec["index"] not in self.indices:
                raise LookupError(f"index_not_found_exception: {spec['index']}")
            if kind == "add":
                aliases.setdefault(spec["alias"], set()).add(spec["index"])
            elif spec["index"] in aliases.get(spec["alias"], ()):
                aliases[spec["alias"]].discard(spec["index"])
            else:
                raise LookupError(f"aliases_not_found_exception: {spec['alias']} on {spec['index']}")
        self.aliases = {alias: targets for alias, targets in aliases.items() if targets}

    def refresh(self, *, index: str) -> None:
        self.calls.append(("refresh", {"index": index}))
        for target in self._targets(index):
            target.visible = dict(target.docs)

    def bulk(self, *, actions) -> list[dict]:
        """Apply the actions; the failed items in the bulk helpers' shape, {op_type: item}."""
        actions = list(actions)
        self.calls.append(("bulk", {"actions": actions}))
        failures = []
        for action in actions:
            op_type, identifier = action["_op_type"], action["_id"]
            (target,) = self._targets(action["_index"])
            if op_type == "delete":
                if target.docs.pop(identifier, None) is None:
                    failures.append({op_type: {"_id": identifier, "status": 404, "result": "not_found"}})
                continue
            error = _mapping_error(action["_source"], target.properties)
            if error:
                failures.append({op_type: {"_id": identifier, "status": 400, "error": error}})
                continue
            target.docs[identifier] = action["_source"]
        return failures

    def index_format(self, *, index: str) -> int | None:
        self.calls.append(("index_format", {"index": index}))
        return self._targets(index)[0].body["mappings"].get("_meta", {}).get("format")

    def count(self, *, index: str) -> int:
        self.calls.append(("count", {"index": index}))
        return sum(len(target.visible) for target in self._targets(index))

    def search(self, *, index: str, body: dict) -> dict:
        self.calls.append(("search", {"index": index, "body": body}))
        (target,) = self._targets(index)
        return Searcher(target).search(body)


def _mapping_error(source: dict, properties: dict) -> dict | None:
    """What a cluster says of a document its strict mapping refuses (None: accepted)."""
    unmapped = set(source) - set(properties)
    if unmapped:
        return {"type": "strict_dynamic_mapping_exception", "reason": f"unmapped fields {sorted(unmapped)}"}
    for name, value in source.items():
        if properties[name]["type"] == "long" and not isinstance(value, int):
            return {"type": "mapper_parsing_exception", "reason": f"failed to parse field [{name}] of type [long]"}
    return None


class Searcher:
    """One index's refreshed documents, analysed, and the DSL executed over them."""

    def __init__(self, index: _Index) -> None:
        settings = index.body["settings"]
        self.properties = index.properties
        self.similarities = settings.get("similarity", {})
        for spec in settings["analysis"]["analyzer"].values():
            assert spec == {"type": "custom", "tokenizer": "whitespace", "filter": []}, spec
        self.sources = index.visible
        # field -> doc id -> token -> positions
        self.postings: dict[str, dict[str, dict[str, list[int]]]] = {}
        self.lengths: dict[str, dict[str, int]] = {}
        for name, spec in self.properties.items():
            if spec["type"] != "text":
                continue
            gap = spec.get("position_increment_gap", 100)
            self.postings[name], self.lengths[name] = {}, {}
            for identifier, source in self.sources.items():
                values = source.get(name, [])
                positions: dict[str, list[int]] = {}
                position, count = -1, 0
                for value in [values] if isinstance(values, str) else values:
                    for token in value.split():
                        position += 1
                        count += 1
                        positions.setdefault(token, []).append(position)
                    position += gap
                if count:
                    self.postings[name][identifier] = positions
                    self.lengths[name][identifier] = count

    # --- BM25 -------------------------------------------------------------------------------------

    def _bm25(self, name: str, identifier: str, tokens: list[str], freq: int) -> float:
        similarity = self.similarities.get(self.properties[name].get("similarity"), {"k1": 1.2, "b": 0.75})
        k1, b = similarity["k1"], similarity["b"]
        docs = self.postings[name]
        idf = sum(math.log(1 + (len(docs) - df + 0.5) / (df + 0.5)) for df in map(self._df(name), tokens))
        average = sum(self.lengths[name].values()) / len(docs)
        return idf * freq / (freq + k1 * (1 - b + b * self.lengths[name][identifier] / average))

    def _df(self, name: str):
        return lambda token: sum(1 for positions in self.postings[name].values() if token in positions)

    # --- queries ----------------------------------------------------------------------------------

    def score(self, clause: dict, identifier: str) -> float | None:
        """The document's score for the clause, None when it does not match."""
        ((kind, body),) = clause.items()
        return getattr(self, f"_{kind}")(body, identifier)

    def _bool(self, body: dict, identifier: str) -> float | None:
        total = 0.0
        for clause in body.get("must", []):
            found = self.score(clause, identifier)
            if found is None:
                return None
            total += found
        if any(self.score(clause, identifier) is None for clause in body.get("filter", [])):
            return None
        if any(self.score(clause, identifier) is not None for clause in body.get("must_not", [])):
            return None
        should = [self.score(clause, identifier) for clause in body.get("should", [])]
        matched = [found for found in should if found is not None]
        default = 0 if body.get("must") or body.get("filter") else 1
        if len(matched) < body.get("minimum_should_match", default):
            return None
        return total + sum(matched)

    def _term(self, body: dict, identifier: str) -> float | None:
        ((name, spec),) = body.items()
        value = spec["value"] if isinstance(spec, dict) else spec
        if self.properties[name]["type"] == "text":
            positions = self.postings[name].get(identifier, {}).get(value)
            return self._bm25(name, identifier, [value], len(positions)) if positions else None
        stored = self.sources[identifier].get(name)
        return 1.0 if stored == value or (isinstance(stored, list) and value in stored) else None

    def _prefix(self, body: dict, identifier: str) -> float | None:
        ((name, spec),) = body.items()
        value = spec["value"] if isinstance(spec, dict) else spec
        tokens = self.postings[name].get(identifier, {})
        return 1.0 if any(token.startswith(value) for token in tokens) else None

    def _match_phrase(self, body: dict, identifier: str) -> float | None:
        ((name, spec),) = body.items()
        words = (spec["query"] if isinstance(spec, dict) else spec).split()
        assert spec.get("slop", 0) == 0 if isinstance(spec, dict) else True
        tokens = self.postings[name].get(identifier, {})
        if not words or not all(word in tokens for word in words):
            return None
        starts = set(tokens[words[0]])
        for offset, word in enumerate(words[1:], start=1):
            starts &= {position - offset for position in tokens[word]}
        return self._bm25(name, identifier, words, len(starts)) if starts else None

    def _constant_score(self, body: dict, identifier: str) -> float | None:
        return None if self.score(body["filter"], identifier) is None else float(body.get("boost", 1.0))

    def _match_all(self, body: dict, identifier: str) -> float | None:
        assert not body, body
        return 1.0

    def _range(self, body: dict, identifier: str) -> float | None:
        ((name, bounds),) = body.items()
        value = self.sources[identifier].get(name)
        if value is None:
            return None
        tests = {"gt": value.__gt__, "gte": value.__ge__, "lt": value.__lt__, "lte": value.__le__}
        return 1.0 if all(tests[op](bound) for op, bound in bounds.items()) else None

    # --- a search ---------------------------------------------------------------------------------

    def search(self, body: dict) -> dict:
        assert set(body) <= {"query", "sort", "size", "from", "_source", "track_total_hits", "aggs", "search_after"}
        wanted = body.get("_source")
        assert wanted is False or (isinstance(wanted, list) and set(wanted) <= set(self.properties)), wanted
        matches = []
        for identifier in self.sources:
            found = self.score(body["query"], identifier)
            if found is not None:
                matches.append((identifier, float(np.float32(found))))
        hits = sorted(
            ({"_id": identifier, "_score": score, "sort": self._sort_values(body["sort"], identifier, score)}
             for identifier, score in matches),
            key=lambda hit: self._sort_key(body["sort"], hit["sort"]),
        )  # fmt: skip
        if "search_after" in body:
            after = self._sort_key(body["sort"], body["search_after"])
            hits = [hit for hit in hits if self._sort_key(body["sort"], hit["sort"]) > after]
        offset = body.get("from", 0)
        hits = hits[offset : offset + body.get("size", 10)]
        if wanted:
            for hit in hits:
                source = self.sources[hit["_id"]]
                hit["_source"] = {name: source[name] for name in wanted if name in source}
        response: dict = {"hits": {"hits": hits}}
        if body.get("track_total_hits"):
            response["hits"]["total"] = {"value": len(matches), "relation": "eq"}
        if "aggs" in body:
            response["aggregations"] = {
                name: self._terms([identifier for identifier, _ in matches], **spec["terms"])
                for name, spec in body["aggs"].items()
            }
        return response

    def _sort_values(self, sort: list[dict], identifier: str, score: float) -> list:
        return [score if name == "_score" else self.sources[identifier].get(name) for spec in sort for name in spec]

    @staticmethod
    def _sort_key(sort: list[dict], values: list) -> tuple:
        """Ascending keys: {"field": "asc"|"desc"}, or {"field": {"order": …, "missing": "_last"}}
        (a document without the field after every one with it, either way)."""
        key = []
        for spec, value in zip(sort, values, strict=True):
            ((_, how),) = spec.items()
            order = how["order"] if isinstance(how, dict) else how
            if isinstance(how, dict):
                assert how.get("missing", "_last") == "_last", how
                key.append(value is None)
            key.append(0 if value is None else -value if order == "desc" else value)
        return tuple(key)

    def _terms(self, identifiers: list[str], *, field: str, size: int) -> dict:
        # A document without the field is in no bucket, as in Elasticsearch.
        values = (self.sources[identifier].get(field) for identifier in identifiers)
        counts = Counter(value for value in values if value is not None)
        ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:size]
        return {"buckets": [{"key": key, "doc_count": count} for key, count in ordered]}
