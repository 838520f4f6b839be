"""Schemathesis against the API in-process: the generated OpenAPI document is the contract.

Every operation gets property-based requests drawn from its documented parameters (bounds included), half of
them aimed at the demo match and its competition so that the 200s are real pages, not only 404s; each
response must be no server error, have a documented status and content type, and match its schema.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db

EXAMPLES_PER_OPERATION = 40


def test_every_operation_keeps_to_the_generated_document(settings_for_wsgi):
    from commentary.demo.loader import demo_load

    demo = demo_load()
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {operation.label for operation in operations} == {
        "GET /api/matches/",
        "GET /api/matches/{id}/",
        "GET /api/matches/{id}/entries/",
        "GET /api/competitions/{id}/standings/",
    }

    for operation in operations:
        known = demo.competition_id if "competitions" in operation.path else demo.pk
        cases = operation.as_strategy()
        if "{id}" in operation.path:
            cases = st.one_of(cases, operation.as_strategy(path_parameters={"id": known}))
        statuses = statuses_of(cases)
        assert 200 in statuses, (operation.label, statuses)


def statuses_of(cases) -> set[int]:
    """Call and validate every case drawn; the statuses seen."""
    statuses: set[int] = set()

    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=cases)
    def check(case):
        # asks for no compression: schemathesis' WSGI transport, unlike a network client, does not decode gzip
        response = case.call_and_validate(headers={"Accept-Encoding": "identity"})
        statuses.add(response.status_code)

    check()
    return statuses


@pytest.fixture
def settings_for_wsgi(settings):
    """The WSGI test client of schemathesis asks for `localhost`; and, as Django's test client does, the
    handler must not close the test's database connection (its transaction holds the demo) after a request."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield settings
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
