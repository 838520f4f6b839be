import jsonschema_rs
import pytest
from django.urls import Resolver404, URLResolver, resolve, reverse

from commentary import urls as api_urls
from commentary.domain import services
from commentary.models import Entry, Update
from matches.models import Match
from tests.conftest import make_match, player, publish

pytestmark = pytest.mark.django_db
Kind = Entry.Kind


def entries_url(match, **params):
    return reverse("api:match-entries", args=[match.pk]), params


def get_entries(client, match, **params):
    url, params = entries_url(match, **params)
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    return response.json()


@pytest.fixture
def blog(match):
    """Five entries (updates 1–5), the second edited (6), the first deleted (7)."""
    entries = [publish(match=match, text=f"Voce numero {n}", minute=None) for n in range(1, 6)]
    services.entry_update(entry=entries[1], text="Voce numero 2, **corretta**")
    services.entry_delete(entry=entries[0])
    return match, entries


# The update log, shared with the websocket ------------------------------------------------------------


def test_since_returns_exactly_the_missed_updates_in_order(client, blog):
    match, entries = blog
    assert list(Update.objects.filter(match=match).values_list("seq", flat=True)) == [1, 2, 3, 4, 5, 6, 7]

    data = get_entries(client, match, since=3)

    assert data["match"] == match.pk
    assert data["last_seq"] == 7
    updates = data["updates"]
    assert [(u["seq"], u["action"], u["entry_id"]) for u in updates] == [
        (4, "publish", entries[3].pk),
        (5, "publish", entries[4].pk),
        (6, "edit", entries[1].pk),
        (7, "delete", entries[0].pk),
    ]
    assert updates[0]["entry"]["text_html"] == "Voce numero 4"
    assert updates[2]["entry"]["text_html"] == "Voce numero 2, <strong>corretta</strong>"
    assert updates[2]["entry"]["seq"] == 6
    assert updates[2]["entry"]["edited_at"] is not None
    assert updates[3]["entry"] is None


def test_since_the_last_update_returns_nothing_and_since_zero_everything(client, blog):
    match, entries = blog
    assert get_entries(client, match, since=7) == {"match": match.pk, "last_seq": 7, "updates": []}
    everything = get_entries(client, match, since=0)["updates"]
    assert [u["seq"] for u in everything] == [1, 2, 3, 4, 5, 6, 7]
    # The first entry is gone: its publication carries no entry any more, only its id.
    assert everything[0]["entry"] is None
    assert everything[0]["entry_id"] == entries[0].pk


def test_since_beyond_the_log_says_where_the_log_ends(client, blog):
    match, _ = blog
    assert get_entries(client, match, since=40) == {"match": match.pk, "last_seq": 7, "updates": []}


def test_status_and_pin_updates_are_numbered_like_the_others(client, match):
    entry = publish(match=match, text="Si parte alle 20:45")
    services.entry_pin(entry=entry, pinned=True)
    services.match_set_status(match=match, status=Match.Status.POSTPONED)
    updates = get_entries(client, match, since=1)["updates"]
    assert [(u["seq"], u["action"]) for u in updates] == [(2, "pin"), (3, "status")]
    assert updates[0]["entry"]["pinned"] is True
    assert updates[1]["entry"] is None and updates[1]["entry_id"] is None


def test_without_since_all_current_entries_in_publication_order(client, blog):
    match, entries = blog
    data = get_entries(client, match)
    assert data["last_seq"] == 7
    assert [e["id"] for e in data["entries"]] == [e.pk for e in entries[1:]]
    assert [e["seq"] for e in data["entries"]] == [6, 3, 4, 5]  # the number of each one's last change
    first = data["entries"][0]
    assert first["url"] == f"http://testserver/matches/{match.pk}/#entry-{entries[1].pk}"
    assert first["kind"] == "commentary" and first["kind_label"] == "Cronaca"


def test_entry_object_carries_players_minute_and_sanitised_text(client, match):
    publish(match=match, kind=Kind.KICK_OFF)
    publish(
        match=match,
        kind=Kind.GOAL,
        minute=45,
        added_minute=2,
        team=match.home_team,
        player=player(match.home_team, 9),
        player2=player(match.home_team, 10),
        text='Gol! <script>alert("x")</script> <a href="javascript:alert(1)">link</a>',
    )
    goal = get_entries(client, match)["entries"][-1]
    assert goal["minute_label"] == "45+2′"
    assert (goal["minute"], goal["added_minute"], goal["period"]) == (45, 2, "first_half")
    assert goal["team"] == match.home_team.pk
    assert goal["player"]["id"] == player(match.home_team, 9).pk
    assert goal["player2"]["name"] == player(match.home_team, 10).name
    assert goal["key"] is True and goal["kind_label"] == "Gol"
    assert "<script" not in goal["text_html"] and "javascript:" not in goal["text_html"]


# Errors, methods, CORS --------------------------------------------------------------------------------


@pytest.mark.parametrize("since", ["garbage", "-1", "1.5", "", " 3", "٣", "1e3", "99999999999"])
def test_since_that_is_not_a_non_negative_integer_is_400(client, match, since):
    response = client.get(reverse("api:match-entries", args=[match.pk]), {"since": since})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "since" in response.json()["error"]


@pytest.mark.parametrize("name", ["api:match-detail", "api:match-entries", "api:competition-standings"])
def test_unknown_match_or_competition_is_404_json(client, db, name):
    response = client.get(reverse(name, args=[999999]))
    assert response.status_code == 404
    assert response.json() == {"error": "Non trovato."}
    assert response["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize(
    "url",
    [
        f"/api/matches/{'9' * 19}/",  # longer than any id: the path converter refuses it
        "/api/matches/0/",
        "/api/matches/007/entries/",
        "/api/",
        "/api/nothing-here/",
    ],
)
def test_any_other_url_under_the_api_is_404_json(client, db, url):
    response = client.get(url)
    assert response.status_code == 404
    assert response.json() == {"error": "Non trovato."}
    assert response["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("method", ["post", "put", "delete", "trace"])
def test_the_document_is_read_only_too(client, db, method):
    response = client.generic(method.upper(), reverse("api:openapi-json"))
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert response["Access-Control-Allow-Origin"] == "*"


def test_head_of_the_document(client, db):
    assert client.head(reverse("api:openapi-json")).status_code == 200


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "options", "trace"])
def test_anything_but_get_and_head_is_405(client, match, method):
    response = client.generic(method.upper(), reverse("api:match-entries", args=[match.pk]))
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert "error" in response.json()
    assert not Entry.objects.exists()


def test_post_is_refused_as_405_even_with_csrf_checks(match):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(reverse("api:match-list"))
    assert response.status_code == 405


def test_head_is_allowed(client, match):
    assert client.head(reverse("api:match-detail", args=[match.pk])).status_code == 200


def test_responses_are_readable_from_any_origin(client, match):
    for url in (
        reverse("api:match-list"),
        reverse("api:match-list") + "?status=nope",
        reverse("api:match-entries", args=[match.pk]),
        reverse("api:openapi-json"),
    ):
        assert client.get(url)["Access-Control-Allow-Origin"] == "*"


# The match list ---------------------------------------------------------------------------------------


@pytest.fixture
def three_states(demo_match):
    live = make_match()
    publish(match=live, kind=Kind.KICK_OFF)
    scheduled = make_match()
    return {"live": live, "scheduled": scheduled, "finished": demo_match}


@pytest.mark.parametrize("status", ["live", "scheduled", "finished"])
def test_match_list_filters_by_status(client, three_states, status):
    data = client.get(reverse("api:match-list"), {"status": status}).json()
    assert [m["id"] for m in data["results"]] == [three_states[status].pk]
    assert data["count"] == 1


# The demo match's score as the API tells it: no extra time, no shoot-out, a single leg.
DEMO_SCORE = {
    "home": 1,
    "away": 1,
    "half_time": {"home": 1, "away": 1},
    "extra_time": False,
    "penalties": None,
    "aggregate": None,
    "line": "1–1",
}


def test_match_list_shows_teams_score_and_last_update(client, three_states):
    data = client.get(reverse("api:match-list")).json()
    assert data["count"] == 3
    by_id = {m["id"]: m for m in data["results"]}
    demo = by_id[three_states["finished"].pk]
    assert demo["score"] == DEMO_SCORE
    assert demo["home_team"] == {
        "id": three_states["finished"].home_team_id,
        "name": "AC Milan",
        "short_name": "Milan",
        "code": "MIL",
    }
    assert demo["competition"]["season"] == "2023/24"
    assert demo["kickoff"] == "2024-02-25T20:45:00+01:00"
    assert demo["last_seq"] == Update.objects.filter(match=three_states["finished"]).count()
    assert demo["url"] == f"http://testserver/matches/{demo['id']}/"
    live_score = by_id[three_states["live"].pk]["score"]
    assert (live_score["home"], live_score["away"], live_score["half_time"]) == (0, 0, None)
    assert (live_score["line"], live_score["penalties"], live_score["extra_time"]) == ("0–0", None, False)
    assert by_id[three_states["live"].pk]["last_seq"] == 1
    assert by_id[three_states["scheduled"].pk]["score"] is None
    assert by_id[three_states["scheduled"].pk]["last_seq"] == 0


def test_match_list_filters_by_competition(client, three_states):
    demo = three_states["finished"]
    data = client.get(reverse("api:match-list"), {"competition": demo.competition_id}).json()
    assert [m["id"] for m in data["results"]] == [demo.pk]


@pytest.mark.parametrize(
    "params", [{"status": "ongoing"}, {"competition": "x"}, {"limit": "0"}, {"limit": "-5"}, {"offset": "a"}]
)
def test_match_list_refuses_bad_parameters(client, db, params):
    response = client.get(reverse("api:match-list"), params)
    assert response.status_code == 400
    assert response.json()["error"]


def test_match_list_paginates_with_limit_and_offset(client, db):
    matches = [make_match(with_lineups=False) for _ in range(5)]
    first = client.get(reverse("api:match-list"), {"limit": 2}).json()
    assert first["count"] == 5 and first["limit"] == 2 and first["previous"] is None
    second = client.get(first["next"]).json()
    third = client.get(second["next"]).json()
    assert third["next"] is None and third["previous"]
    seen = [m["id"] for page in (first, second, third) for m in page["results"]]
    assert sorted(seen) == sorted(m.pk for m in matches)
    assert len(set(seen)) == 5
    assert client.get(reverse("api:match-list"), {"limit": 1000}).json()["limit"] == 200
    assert client.get(reverse("api:match-list"), {"offset": 50}).json()["results"] == []


# One match --------------------------------------------------------------------------------------------


def test_demo_match_detail_has_result_scorers_bookings_and_substitutions(client, demo_match):
    data = client.get(reverse("api:match-detail", args=[demo_match.pk])).json()
    assert data["score"] == DEMO_SCORE
    assert data["status"] == "finished"
    assert data["referee"] == "Daniele Orsato"
    assert data["formations"] == {"home": "4-2-3-1", "away": "3-4-2-1"}
    assert data["coaches"]["home"] == "Stefano Pioli"
    assert data["stoppage_time"]["first_half"] == 3 and data["stoppage_time"]["second_half"] == 5

    [leao] = data["scorers"]["home"]
    assert (leao["player"]["name"], leao["minute_label"], leao["penalty"], leao["note"]) == (
        "Rafael Leão",
        "3′",
        False,
        "",
    )
    [koopmeiners] = data["scorers"]["away"]
    assert koopmeiners["player"]["name"] == "Teun Koopmeiners"
    assert koopmeiners["minute_label"] == "42′"
    assert koopmeiners["penalty"] is True and koopmeiners["own_goal"] is False
    assert koopmeiners["note"] == "rig."

    substitutions = data["substitutions"]["home"] + data["substitutions"]["away"]
    assert len(substitutions) == 8
    assert ("Alessandro Florenzi", "Davide Calabria", "57′") in {
        (s["player_off"]["name"], s["player_on"]["name"], s["minute_label"]) for s in substitutions
    }
    bookings = data["bookings"]["home"] + data["bookings"]["away"]
    assert len(bookings) == 5
    assert {b["player"]["name"] for b in bookings} == {
        "Marten de Roon",
        "Emil Holm",
        "Rafael Leão",
        "Ademola Lookman",
        "Éderson",
    }
    assert all(b["kind"] == "yellow_card" and not b["sending_off"] for b in bookings)

    home = data["lineups"]["home"]
    assert len(home["starters"]) == 11 and len(home["bench"]) == 3
    assert home["starters"][0]["name"] == "Mike Maignan"
    assert {"id", "name", "shirt_number"} <= set(home["starters"][0])


def test_own_goal_is_listed_for_the_side_it_counts_for(client, match):
    publish(match=match, kind=Kind.KICK_OFF)
    publish(
        match=match, kind=Kind.OWN_GOAL, minute=20, team=match.home_team, player=player(match.home_team, 4)
    )
    data = client.get(reverse("api:match-detail", args=[match.pk])).json()
    assert data["scorers"]["home"] == []
    [goal] = data["scorers"]["away"]
    assert goal["own_goal"] is True and goal["note"] == "aut."
    assert data["score"]["away"] == 1


# Standings --------------------------------------------------------------------------------------------


def test_standings_rows_from_the_table(client, demo_match):
    response = client.get(reverse("api:competition-standings", args=[demo_match.competition_id]))
    assert response.status_code == 200
    data = response.json()
    assert data["competition"]["name"] == "Serie A"
    assert data["matchday"] is None
    rows = data["rows"]
    assert {row["team"]["short_name"] for row in rows} == {"Milan", "Atalanta"}
    for row in rows:
        assert (row["played"], row["drawn"], row["points"], row["goal_difference"]) == (1, 1, 1, 0)
    assert sorted(row["position"] for row in rows) == [1, 2]


def test_standings_until_a_matchday(client, demo_match):
    url = reverse("api:competition-standings", args=[demo_match.competition_id])
    before = client.get(url, {"matchday": 25}).json()
    assert before["matchday"] == 25
    assert all(row["played"] == 0 for row in before["rows"])
    assert client.get(url, {"matchday": "ventisei"}).status_code == 400


# Bounded queries --------------------------------------------------------------------------------------


@pytest.fixture(params=[5, 60], ids=["5-entries", "60-entries"])
def busy_match(request, match):
    publish(match=match, kind=Kind.KICK_OFF)
    home, away = match.home_team, match.away_team
    for n in range(request.param):
        team = home if n % 2 else away
        if n % 10 == 3:
            publish(match=match, kind=Kind.GOAL, minute=n % 45 + 1, team=team, player=player(team, 9))
        elif n % 10 == 6:
            publish(
                match=match,
                kind=Kind.YELLOW_CARD,
                minute=n % 45 + 1,
                team=team,
                player=player(team, n % 11 + 1),
            )
        else:
            publish(match=match, text=f"Azione {n}", minute=n % 45 + 1)
    return match


@pytest.mark.parametrize(
    ("name", "params", "queries"),
    [
        ("api:match-list", {}, 2),
        ("api:match-detail", {}, 6),  # with the statistics: what the desk logged, the whistles and events
        ("api:match-entries", {}, 5),  # the match, the number, the updates, the entries, their pictures
        ("api:match-entries", {"since": 2}, 4),
    ],
)
def test_query_count_does_not_grow_with_entries(
    client, django_assert_max_num_queries, busy_match, name, params, queries
):
    args = [] if name == "api:match-list" else [busy_match.pk]
    with django_assert_max_num_queries(queries):
        assert client.get(reverse(name, args=args), params).status_code == 200


def test_match_list_query_count_does_not_grow_with_matches(client, django_assert_max_num_queries, db):
    for _ in range(12):
        publish(match=make_match(with_lineups=False), kind=Kind.KICK_OFF)
    with django_assert_max_num_queries(2):
        assert len(client.get(reverse("api:match-list")).json()["results"]) == 12


# The OpenAPI description ------------------------------------------------------------------------------


def schema_errors(instance, schema, document) -> list[str]:
    """What JSON Schema (2020-12, formats included) finds wrong in `instance`; `$ref`s into the document."""
    root = {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}
    root["components"] = document["components"]
    validator = jsonschema_rs.validator_for(root, validate_formats=True)
    return [f"{error.instance_path}: {error.message}" for error in validator.iter_errors(instance)]


def response_schema(document, path, status="200"):
    return document["paths"][path]["get"]["responses"][status]["content"]["application/json"]["schema"]


def test_schema_check_catches_a_missing_property_and_a_wrong_type(client, db):
    document = client.get(reverse("api:openapi-json")).json()
    schema = {"$ref": "#/components/schemas/Team"}
    assert schema_errors({"id": 1, "name": "A", "short_name": "A", "code": "AAA"}, schema, document) == []
    assert schema_errors({"id": 1, "name": "A", "short_name": "A"}, schema, document)
    assert schema_errors({"id": "1", "name": "A", "short_name": "A", "code": "A"}, schema, document)


def test_every_documented_path_is_served_and_every_api_route_documented(client, db):
    response = client.get(reverse("api:openapi-json"))
    assert response["Access-Control-Allow-Origin"] == "*"
    document = response.json()
    assert document["openapi"].startswith("3.1")
    served = set()
    for path, operations in document["paths"].items():
        concrete = path.replace("{id}", "1")
        try:
            match = resolve(concrete)
        except Resolver404:
            pytest.fail(f"{path} is documented but not served")
        served.add(match.url_name)
        assert set(operations) == {"get"}
        for parameter in operations["get"]["parameters"]:
            if parameter["in"] == "path":
                assert f"{{{parameter['name']}}}" in path
    [ninja] = [p for p in api_urls.urlpatterns if isinstance(p, URLResolver)]
    # Every route of the API but the document itself and ninja's placeholder for the root (a JSON 404).
    assert served == {p.name for p in ninja.url_patterns} - {"openapi-json", "api-root"}


def test_the_document_declares_the_bounds_the_api_enforces(client, db):
    document = client.get(reverse("api:openapi-json")).json()
    parameters = {
        (path, p["name"]): p["schema"]
        for path, operations in document["paths"].items()
        for p in operations["get"].get("parameters", [])
    }
    for (path, name), schema in parameters.items():
        if name == "id":
            assert (schema["minimum"], schema["maximum"]) == (1, 10**18 - 1), path
    matches = "/api/matches/"
    assert (parameters[matches, "limit"]["minimum"], parameters[matches, "limit"]["maximum"]) == (1, 200)
    assert parameters[matches, "offset"]["minimum"] == 0
    assert parameters[matches, "competition"]["minimum"] == 1
    assert parameters["/api/matches/{id}/entries/", "since"]["minimum"] == 0
    assert set(parameters[matches, "status"]["enum"]) == {"live", *Match.Status.values}


def test_example_responses_match_the_openapi_schemas(client, blog, demo_match):
    match, _ = blog
    document = client.get(reverse("api:openapi-json")).json()
    pk, demo = match.pk, demo_match.pk
    examples = [
        ("/api/matches/", "/api/matches/", "200"),
        ("/api/matches/", "/api/matches/?status=nope", "400"),
        ("/api/matches/{id}/", f"/api/matches/{demo}/", "200"),
        ("/api/matches/{id}/", "/api/matches/999999/", "404"),
        ("/api/matches/{id}/entries/", f"/api/matches/{demo}/entries/", "200"),
        ("/api/matches/{id}/entries/", f"/api/matches/{pk}/entries/", "200"),
        ("/api/matches/{id}/entries/", f"/api/matches/{pk}/entries/?since=0", "200"),
        ("/api/matches/{id}/entries/", f"/api/matches/{demo}/entries/?since=10", "200"),
        ("/api/matches/{id}/entries/", f"/api/matches/{pk}/entries/?since=x", "400"),
        ("/api/matches/{id}/entries/", "/api/matches/999999/entries/", "404"),
        ("/api/competitions/{id}/standings/", "/api/competitions/999999/standings/", "404"),
        (
            "/api/competitions/{id}/standings/",
            f"/api/competitions/{demo_match.competition_id}/standings/?matchday=x",
            "400",
        ),
        ("/api/matches/{id}/", f"/api/matches/{'9' * 19}/", "404"),
        ("/api/matches/{id}/entries/", f"/api/matches/{pk}/entries/?since=99999999999", "400"),
        (
            "/api/competitions/{id}/standings/",
            f"/api/competitions/{demo_match.competition_id}/standings/",
            "200",
        ),
    ]
    for path, url, status in examples:
        response = client.get(url)
        assert str(response.status_code) == status, url
        data = response.json()
        assert schema_errors(data, response_schema(document, path, status), document) == [], url
    # the 405 every path documents
    response = client.post("/api/matches/")
    assert schema_errors(response.json(), response_schema(document, "/api/matches/", "405"), document) == []


def test_example_entries_cover_every_nullable_branch(client, demo_match):
    """The demo has goals, cards, substitutions, a VAR check, clock entries: players both set and null."""
    entries = client.get(reverse("api:match-entries", args=[demo_match.pk])).json()["entries"]
    assert any(e["player"] is None for e in entries) and any(e["player"] for e in entries)
    assert any(e["player2"] for e in entries)
    assert {e["kind"] for e in entries} >= {
        "goal",
        "penalty_goal",
        "yellow_card",
        "substitution",
        "var_check",
    }
