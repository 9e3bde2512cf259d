"""Clients keep working: every recorded response of the API on the seeds comes back the same, every
field a client read still there with the same value (new fields may be added beside them).

tests/data/api/ holds what the API answered before its schema was generated from code
(tests/support/api_recording.py records and normalises; regenerate it only for an intended change).
"""

from __future__ import annotations

import json

import pytest

from tests.support.api_recording import FIXTURE, SCHEMA_FIXTURE, record, schema_parameters

RECORDED = json.loads(FIXTURE.read_text(encoding="utf-8"))


def kept(recorded, now):
    """`now` as far as `recorded` goes: the recorded fields of each object, lists item by item."""
    if isinstance(recorded, dict) and isinstance(now, dict):
        return {
            key: kept(value, now[key]) if key in now else now.get(key, "<missing>") for key, value in recorded.items()
        }
    if isinstance(recorded, list) and isinstance(now, list) and len(recorded) == len(now):
        return [kept(old, new) for old, new in zip(recorded, now, strict=True)]
    return now


def test_every_recorded_response_comes_back_the_same(client, seeded):
    replayed = {item["request"]: item for item in record(client)}
    assert list(replayed) == [item["request"] for item in RECORDED]
    changed = [item["request"] for item in RECORDED if kept(item, replayed[item["request"]]) != item]
    for request in changed[:3]:  # the first differences in full, for the failure message
        expected = next(item for item in RECORDED if item["request"] == request)
        assert kept(expected, replayed[request]) == expected, request
    assert not changed


def test_a_field_gone_or_changed_is_seen_and_a_field_added_is_not():
    recorded = {"body": {"id": 1, "results": [{"title": "a"}]}}
    assert kept(recorded, {"body": {"id": 1, "results": [{"title": "a", "copies": 0}], "articles": 1}}) == recorded
    assert kept(recorded, {"body": {"results": [{"title": "a"}]}}) != recorded
    assert kept(recorded, {"body": {"id": 1, "results": [{"title": "b"}]}}) != recorded


@pytest.mark.parametrize(("operation", "parameters"), json.loads(SCHEMA_FIXTURE.read_text(encoding="utf-8")).items())
def test_schema_still_documents_every_recorded_parameter(client, db, operation, parameters):
    documented = schema_parameters(client.get("/api/schema").json())
    assert operation in documented
    assert set(parameters) <= set(documented[operation])
