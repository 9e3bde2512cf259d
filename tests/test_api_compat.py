"""Clients keep working: every recorded response of the API on the seeds comes back the same.

tests/data/api/ holds what the API answered before its schema was generated from code
(tests/support/api_recording.py records and normalises; regenerate it only for an intended change).
"""

from __future__ import annotations

import json

import pytest

from tests.support.api_recording import FIXTURE, SCHEMA_FIXTURE, record, schema_parameters

RECORDED = json.loads(FIXTURE.read_text(encoding="utf-8"))


def test_every_recorded_response_comes_back_the_same(client, seeded):
    replayed = {item["request"]: item for item in record(client)}
    assert list(replayed) == [item["request"] for item in RECORDED]
    changed = [item["request"] for item in RECORDED if replayed[item["request"]] != item]
    for request in changed[:3]:  # the first differences in full, for the failure message
        expected = next(item for item in RECORDED if item["request"] == request)
        assert replayed[request] == expected, request
    assert not changed


@pytest.mark.parametrize(("operation", "parameters"), json.loads(SCHEMA_FIXTURE.read_text(encoding="utf-8")).items())
def test_schema_still_documents_every_recorded_parameter(client, db, operation, parameters):
    documented = schema_parameters(client.get("/api/schema").json())
    assert operation in documented
    assert set(parameters) <= set(documented[operation])
