"""schemathesis against /api/openapi.json, calling the real Flask app (WSGI, no server):
requests generated from the description, valid and invalid, must get answers the
description allows (status, content type, headers, body schema), never a 5xx, and a
request the description says is invalid must be refused."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, assume, settings
from schemathesis.checks import positive_data_acceptance

from search.cursor import MAX_WINDOW
from tests.hostile import FUZZ
from web.app import create_app

# The description as the app serves it (serving it needs no index). schemathesis's lazy
# loading from a fixture does not run under pytest 9, so the schema is read at import and
# each case is sent to the app over the test index.
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", create_app("no-index-needed"))


@pytest.fixture(scope="module")
def app(rich_index):
    return create_app(rich_index)


@schema.parametrize()
@settings(FUZZ, max_examples=15, suppress_health_check=list(HealthCheck))
def test_the_api_answers_as_its_description_says(app, case):
    # A date range that ends before it starts is refused (400), a rule between two
    # parameters that the description cannot state: not a valid request to try.
    # So is a page past MAX_WINDOW results (page times per_page, as `page` says).
    assume(_in_order(case.query) and _in_order(case.body))
    assume(_in_window(case.query) and _in_window(case.body))
    response = case.call(app=app)
    # A query with no word in it (only symbols, operators or control characters) and a
    # cursor that no answer gave are refused with a 400, as the descriptions of `q` and
    # `cursor` say in words; every other check still applies to those answers.
    refused = response.status_code == 400 and response.json()["error"]["param"] in ("q", "cursor")
    case.validate_response(response, excluded_checks=[positive_data_acceptance] if refused else [])


def _in_window(params: object) -> bool:
    if not isinstance(params, dict):
        return True
    try:
        page, per_page = int(params.get("page") or 1), int(params.get("per_page") or 10)
    except (TypeError, ValueError):
        return True  # not a number: the answer is a 400 the description foresees
    return page * per_page <= MAX_WINDOW


def _in_order(params: object) -> bool:
    if not isinstance(params, dict):
        return True
    low, high = params.get("date_from"), params.get("date_to")
    return not (isinstance(low, str) and isinstance(high, str) and low and high and low > high)
