"""schemathesis against /api/openapi.json, calling the real Flask app (WSGI, no server):
requests generated from the description, valid and invalid, must get answers the
description allows (status, content type, headers, body schema), never a 5xx, and a
request the description says is invalid must be refused."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, assume, settings
from schemathesis.checks import positive_data_acceptance

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
    assume(_in_order(case.query) and _in_order(case.body))
    response = case.call(app=app)
    # Likewise a query with no word in it (only symbols, operators or control characters)
    # is refused with 400 invalid_query, as the description of `q` says; every other
    # check still applies to that answer.
    no_words = response.status_code == 400 and response.json()["error"]["code"] == "invalid_query"
    case.validate_response(response, excluded_checks=[positive_data_acceptance] if no_words else [])


def _in_order(params: object) -> bool:
    if not isinstance(params, dict):
        return True
    low, high = params.get("date_from"), params.get("date_to")
    return not (isinstance(low, str) and isinstance(high, str) and low and high and low > high)
