"""Hostile values in every public URL's path and query: never a server error, never a bad header."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db

# {id}: a match, competition or team id; {n}: a matchday. Both are replaced by hostile numbers too.
PUBLIC = [
    "/",
    "/en/",
    "/matches/{id}/",
    "/en/matches/{id}/",
    "/matches/{id}/embed/",
    "/matches/{id}/feed/",
    "/competitions/",
    "/competitions/{id}/",
    "/competitions/{id}/matchdays/{n}/",
    "/competitions/{id}/feed/",
    "/teams/{id}/",
    "/search/",
    "/api/matches/",
    "/api/matches/{id}/",
    "/api/matches/{id}/entries/",
    "/api/competitions/{id}/standings/",
    "/api/openapi.json",
    "/healthz",
]
PARAMS = ["order", "filter", "since", "limit", "offset", "status", "competition", "matchday", "q", "lang"]
NASTY = [
    "%0aX",
    "\r\nSet-Cookie: x=1",
    "\n",
    '"',
    "\x00",
    "\x1b[31m",
    "9" * 30,
    "-1",
    "1e309",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "%",
    "ü",
    "💥",
    " ",
    "",
]
values = st.one_of(st.sampled_from(NASTY), st.text(max_size=40), st.integers().map(str))
ids = st.one_of(st.just(1), st.integers(min_value=0, max_value=10**30))


@pytest.mark.parametrize("template", PUBLIC)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    id_=ids,
    number=ids,
    query=st.dictionaries(st.sampled_from(PARAMS) | st.text(min_size=1, max_size=8), values, max_size=4),
)
def test_no_hostile_value_makes_a_server_error(client, demo_match, template, id_, number, query):
    path = template.format(id=id_ if id_ != 1 else demo_match.pk, n=number)
    response = client.get(path, query)
    assert response.status_code < 500, (path, query, response.status_code)
    for name, value in response.items():
        assert "\n" not in value and "\r" not in value and "\x00" not in value, (name, value)
