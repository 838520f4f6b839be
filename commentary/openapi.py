"""The OpenAPI 3.1 description of the public API and feeds, served at /api/openapi.json.

Written by hand, next to the views it describes (commentary/api.py, commentary/feeds.py); a test checks
that every path here is served and that real responses have every property marked required.
"""

from copy import deepcopy

from matches.models import Match

from .models import Entry, Update


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema: dict) -> dict:
    return {"anyOf": [schema, {"type": "null"}]}


def _object(properties: dict, description: str = "") -> dict:
    """Every property is always present (null when there is nothing to say), so every one is required."""
    schema = {"type": "object", "properties": properties, "required": list(properties)}
    if description:
        schema["description"] = description
    return schema


def _array(items: dict) -> dict:
    return {"type": "array", "items": items}


def _per_side(items: dict) -> dict:
    return _object({"home": _array(items), "away": _array(items)})


INTEGER = {"type": "integer"}
STRING = {"type": "string"}
BOOLEAN = {"type": "boolean"}
NULLABLE_INTEGER = {"type": ["integer", "null"]}
DATE_TIME = {"type": "string", "format": "date-time"}
URI = {"type": "string", "format": "uri"}

MATCH_PROPERTIES = {
    "id": INTEGER,
    "competition": _ref("Competition"),
    "matchday": NULLABLE_INTEGER,
    "round_name": {**STRING, "description": 'For cup rounds ("Semifinale"); empty in a league.'},
    "kickoff": DATE_TIME,
    "venue": STRING,
    "referee": STRING,
    "status": {"type": "string", "enum": list(Match.Status.values)},
    "status_label": STRING,
    "minute_label": {
        **STRING,
        "description": 'The clock ("67′", "45+2′") while the ball is rolling, else empty.',
    },
    "home_team": _ref("Team"),
    "away_team": _ref("Team"),
    "score": _nullable(_ref("Score")),
    "url": {**URI, "description": "The match page."},
    "last_seq": {
        **INTEGER,
        "description": "The number of the match's last update (0 for none): the websocket's numbering.",
    },
}

EVENT_PROPERTIES = {
    "entry_id": INTEGER,
    "period": {"type": "string", "enum": list(Entry.Period.values)},
    "minute": NULLABLE_INTEGER,
    "added_minute": INTEGER,
    "minute_label": STRING,
}

SCHEMAS = {
    "Error": _object({"error": STRING}),
    "Competition": _object({"id": INTEGER, "name": STRING, "season": STRING}),
    "Team": _object({"id": INTEGER, "name": STRING, "short_name": STRING, "code": STRING}),
    "Player": _object(
        {"id": INTEGER, "name": STRING, "display_name": {**STRING, "description": "As in the commentary."}}
    ),
    "Score": _object(
        {
            "home": INTEGER,
            "away": INTEGER,
            "half_time": {
                **_nullable(_object({"home": INTEGER, "away": INTEGER})),
                "description": "Null until the first half is over.",
            },
        }
    ),
    "Match": _object(MATCH_PROPERTIES),
    "MatchList": _object(
        {
            "count": {**INTEGER, "description": "Matches of the whole list, not of this page."},
            "limit": INTEGER,
            "offset": INTEGER,
            "next": _nullable(URI),
            "previous": _nullable(URI),
            "results": _array(_ref("Match")),
        }
    ),
    "LineupPlayer": _object(
        {
            "id": INTEGER,
            "name": STRING,
            "display_name": STRING,
            "shirt_number": NULLABLE_INTEGER,
            "position": {"type": "string", "enum": ["", "GK", "DF", "MF", "FW"]},
        }
    ),
    "Lineup": _object(
        {"starters": _array(_ref("LineupPlayer")), "bench": _array(_ref("LineupPlayer"))},
        "In the order of the team sheet; the starters from the goalkeeper forward.",
    ),
    "Scorer": _object(
        {
            **EVENT_PROPERTIES,
            "player": _ref("Player"),
            "penalty": BOOLEAN,
            "own_goal": {**BOOLEAN, "description": "Listed under the side it counts for."},
            "note": {**STRING, "description": '"rig." (penalty), "aut." (own goal) or empty.'},
        }
    ),
    "Booking": _object(
        {
            **EVENT_PROPERTIES,
            "player": _ref("Player"),
            "kind": {"type": "string", "enum": list(Entry.CARD_KINDS)},
            "kind_label": STRING,
            "sending_off": BOOLEAN,
        }
    ),
    "Substitution": _object(
        {**EVENT_PROPERTIES, "player_off": _ref("Player"), "player_on": _nullable(_ref("Player"))}
    ),
    "MatchDetail": _object(
        {
            **MATCH_PROPERTIES,
            "formations": _object({"home": STRING, "away": STRING}),
            "coaches": _object({"home": STRING, "away": STRING}),
            "stoppage_time": _object(
                {
                    "first_half": NULLABLE_INTEGER,
                    "second_half": NULLABLE_INTEGER,
                    "extra_first_half": NULLABLE_INTEGER,
                    "extra_second_half": NULLABLE_INTEGER,
                },
                "Announced stoppage minutes per period.",
            ),
            "summary": STRING,
            "lineups": _object({"home": _ref("Lineup"), "away": _ref("Lineup")}),
            "scorers": _per_side(_ref("Scorer")),
            "bookings": _per_side(_ref("Booking")),
            "substitutions": _per_side(_ref("Substitution")),
        },
        "Scorers, bookings and substitutions are folded from the entries, in publication order; goals and "
        "cards overturned by the VAR are left out.",
    ),
    "Entry": _object(
        {
            "id": INTEGER,
            "seq": {**NULLABLE_INTEGER, "description": "The number of the entry's last update."},
            "period": {"type": "string", "enum": list(Entry.Period.values)},
            "minute": NULLABLE_INTEGER,
            "added_minute": INTEGER,
            "minute_label": {**STRING, "description": '"45+3′"; empty without a minute.'},
            "kind": {"type": "string", "enum": list(Entry.Kind.values)},
            "kind_label": STRING,
            "key": {**BOOLEAN, "description": "A key event: goal, card, substitution, penalty, VAR."},
            "team": {**NULLABLE_INTEGER, "description": "The team's id."},
            "player": _nullable(_ref("Player")),
            "player2": _nullable(
                {
                    **_ref("Player"),
                    "description": "Who comes on in a substitution; the assist of a goal; the shooter a "
                    "keeper denied.",
                }
            ),
            "var_outcome": {"type": "string", "enum": list(Entry.VarOutcome.values)},
            "overturned": BOOLEAN,
            "stoppage_minutes": NULLABLE_INTEGER,
            "text_html": {
                **STRING,
                "description": "Sanitised HTML: only <b>, <strong>, <i>, <em>, <a href>, <br>.",
            },
            "pinned": BOOLEAN,
            "created_at": DATE_TIME,
            "edited_at": _nullable(DATE_TIME),
            "url": {**URI, "description": "The entry on the match page (#entry-<id>)."},
        }
    ),
    "Update": _object(
        {
            "seq": INTEGER,
            "action": {"type": "string", "enum": list(Update.Action.values)},
            "entry_id": NULLABLE_INTEGER,
            "entry": {
                **_nullable(_ref("Entry")),
                "description": "The entry as it is now; null for delete and status updates, and when the "
                "entry has been deleted since.",
            },
        }
    ),
    "Entries": _object(
        {"match": INTEGER, "last_seq": INTEGER, "entries": _array(_ref("Entry"))},
        "Without `since`: every current entry, in publication order (oldest first).",
    ),
    "EntryUpdates": _object(
        {"match": INTEGER, "last_seq": INTEGER, "updates": _array(_ref("Update"))},
        "With `since`: exactly the updates numbered after it, in order.",
    ),
    "StandingRow": _object(
        {
            "position": INTEGER,
            "team": _ref("Team"),
            "played": INTEGER,
            "won": INTEGER,
            "drawn": INTEGER,
            "lost": INTEGER,
            "goals_for": INTEGER,
            "goals_against": INTEGER,
            "goal_difference": INTEGER,
            "points": INTEGER,
        }
    ),
    "Standings": _object(
        {
            "competition": _ref("Competition"),
            "matchday": NULLABLE_INTEGER,
            "rows": _array(_ref("StandingRow")),
        }
    ),
}


def _json_response(description: str, schema: dict) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERROR_RESPONSES = {
    "405": {
        **_json_response("Any method but GET and HEAD: the API is read-only.", _ref("Error")),
        "headers": {"Allow": {"schema": STRING}},
    },
}
BAD_REQUEST = {"400": _json_response("A malformed query parameter.", _ref("Error"))}
NOT_FOUND = {"404": _json_response("No such match or competition.", _ref("Error"))}
CORS_HEADERS = {"Access-Control-Allow-Origin": {"schema": {"type": "string", "const": "*"}}}

ID_PARAMETER = {"name": "id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}


def _query(name: str, description: str, schema: dict) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


def _get(operation_id: str, summary: str, response: dict, *, parameters=(), errors=None, **extra) -> dict:
    ok = {**response, "headers": CORS_HEADERS}
    return {
        "get": {
            "operationId": operation_id,
            "summary": summary,
            "parameters": list(parameters),
            "responses": {"200": ok, **(errors or {}), **ERROR_RESPONSES},
            **extra,
        }
    }


def _atom(operation_id: str, summary: str, description: str) -> dict:
    return {
        "get": {
            "operationId": operation_id,
            "summary": summary,
            "description": description,
            "tags": ["feeds"],
            "parameters": [ID_PARAMETER],
            "responses": {
                "200": {
                    "description": "An Atom 1.0 feed (RFC 4287).",
                    "content": {"application/atom+xml": {"schema": STRING}},
                },
                "404": {"description": "No such match or competition (an HTML page)."},
            },
        }
    }


PATHS = {
    "/api/matches/": _get(
        "listMatches",
        "Matches, paginated",
        _json_response("A page of matches.", _ref("MatchList")),
        description="Live and scheduled matches by kick-off, soonest first; otherwise newest first.",
        tags=["matches"],
        parameters=[
            _query(
                "status",
                "`live` (any period from kick-off to penalties) or one status.",
                {"type": "string", "enum": ["live", *Match.Status.values]},
            ),
            _query("competition", "A competition's id.", {"type": "integer", "minimum": 1}),
            _query(
                "limit",
                "Page size; larger values are capped at 200.",
                {"type": "integer", "minimum": 1, "default": 50},
            ),
            _query("offset", "Matches to skip.", {"type": "integer", "minimum": 0, "default": 0}),
        ],
        errors=BAD_REQUEST,
    ),
    "/api/matches/{id}/": _get(
        "getMatch",
        "One match with its line-ups, scorers, bookings and substitutions",
        _json_response("The match.", _ref("MatchDetail")),
        tags=["matches"],
        parameters=[ID_PARAMETER],
        errors=NOT_FOUND,
    ),
    "/api/matches/{id}/entries/": _get(
        "listMatchEntries",
        "The live blog, whole or since an update number",
        _json_response(
            "The entries, or the updates after `since`.", {"oneOf": [_ref("Entries"), _ref("EntryUpdates")]}
        ),
        description=(
            "Updates are numbered 1, 2, 3… per match with no gaps, with the same numbers as the websocket "
            "(docs/PROTOCOL.md). A client that has applied update n asks `since=n` and gets exactly the "
            "updates after it, in order. A `last_seq` lower than `since` means the client's numbers come "
            "from another log (a database reset): fetch again without `since`."
        ),
        tags=["entries"],
        parameters=[
            ID_PARAMETER,
            _query(
                "since",
                "The number of the last update the client has applied (0 for none).",
                {"type": "integer", "minimum": 0},
            ),
        ],
        errors={**BAD_REQUEST, **NOT_FOUND},
    ),
    "/api/competitions/{id}/standings/": _get(
        "getStandings",
        "A competition's table",
        _json_response("The table, best first.", _ref("Standings")),
        tags=["competitions"],
        parameters=[
            ID_PARAMETER,
            _query(
                "matchday",
                "The table after this matchday (default: after every finished match).",
                {"type": "integer", "minimum": 1},
            ),
        ],
        errors={
            **BAD_REQUEST,
            **NOT_FOUND,
        },
    ),
    "/api/openapi.json": _get(
        "getOpenApi",
        "This document",
        {"description": "OpenAPI 3.1.", "content": {"application/json": {"schema": {"type": "object"}}}},
        tags=["meta"],
    ),
    "/matches/{id}/feed/": _atom(
        "matchFeed",
        "A match's commentary as an Atom feed",
        "Every entry, newest first; an entry's id (a tag: URI) never changes, its `updated` moves when it "
        "is edited.",
    ),
    "/competitions/{id}/feed/": _atom(
        "competitionFeed",
        "A competition's results as an Atom feed",
        'Finished matches ("Milan 1–1 Atalanta"), newest first.',
    ),
}

DOCUMENT = {
    "openapi": "3.1.0",
    "info": {
        "title": "Diretta",
        "version": "1",
        "summary": "Live football commentary: matches, live blogs and tables, read-only.",
        "description": (
            "Public, read-only and without authentication; any origin may read it "
            "(`Access-Control-Allow-Origin: *`). Labels (`*_label`) are in Italian. Times are ISO 8601 with "
            'the offset of Europe/Rome. Errors are `{"error": "…"}`.'
        ),
    },
    "paths": PATHS,
    "components": {"schemas": SCHEMAS},
}


def openapi_document(*, server_url: str | None = None) -> dict:
    document = deepcopy(DOCUMENT)
    if server_url:
        document["servers"] = [{"url": server_url.rstrip("/")}]
    return document
