"""The read-only JSON API: matches, their entries (numbered like the websocket's updates), standings.

Plain views returning JSON. The data is public: no authentication, any origin may read it (CORS `*`), and
nothing can be written (GET and HEAD only, anything else is 405). Every view makes a fixed number of queries
whatever the number of entries. The shapes are described once, in `commentary.openapi` (served at
/api/openapi.json), and the tests hold the responses to that description.
"""

import re
from collections.abc import Callable
from functools import wraps

from django.db.models import Max, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from matches.models import Competition, LineupEntry, Match, Player, Team
from matches.standings import standings_table

from .models import Entry, Update
from .openapi import openapi_document
from .selectors import key_entries, last_seq, lineups, match_facts

ALLOWED_METHODS = ("GET", "HEAD")
MAX_INTEGER = 2**31 - 1  # what the database's integer columns hold: larger numbers are refused, not compared
DEFAULT_LIMIT = 50
MAX_LIMIT = 200
# The match list reads like the home page: what is on or coming first by kick-off, results newest first.
ASCENDING_STATUSES = {"live", Match.Status.SCHEDULED, *Match.LIVE_STATUSES}
STATUS_FILTERS: dict[str, tuple[str, ...]] = {
    "live": tuple(Match.LIVE_STATUSES),
    **{status: (status,) for status in Match.Status.values},
}
# Updates that carry an entry's new state; a delete or a status change carries none.
ENTRY_ACTIONS = (Update.Action.PUBLISH, Update.Action.EDIT, Update.Action.PIN)


class ApiError(Exception):
    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


def _json(data: dict, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    return response


def api_view(view: Callable[..., dict]) -> Callable[..., JsonResponse]:
    """GET/HEAD only, errors as `{"error": "..."}`, readable from any origin."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> JsonResponse:
        if request.method not in ALLOWED_METHODS:
            response = _json({"error": _("Metodo non consentito: l'API è in sola lettura.")}, status=405)
            response["Allow"] = ", ".join(ALLOWED_METHODS)
            return response
        try:
            return _json(view(request, *args, **kwargs))
        except ApiError as error:
            return _json({"error": error.message}, status=error.status)
        except Http404:
            return _json({"error": _("Non trovato.")}, status=404)

    # Nothing here writes: a POST must meet a 405, not a request for a CSRF token.
    return csrf_exempt(wrapper)


def _integer_param(
    request: HttpRequest, name: str, *, default: int | None = None, minimum: int = 0
) -> int | None:
    raw = request.GET.get(name)
    if raw is None:
        return default
    if not re.fullmatch(r"[0-9]{1,10}", raw) or not minimum <= int(raw) <= MAX_INTEGER:
        raise ApiError(
            _("Il parametro “%(name)s” deve essere un numero intero da %(minimum)d in su.")
            % {"name": name, "minimum": minimum}
        )
    return int(raw)


def _iso(value) -> str | None:
    """ISO 8601 / RFC 3339, in the site's time zone, to the second."""
    return localtime(value).isoformat(timespec="seconds") if value else None


# Shapes -----------------------------------------------------------------------------------------------


def team_json(team: Team) -> dict:
    return {"id": team.pk, "name": team.name, "short_name": team.short_name, "code": team.code}


def player_json(player: Player | None) -> dict | None:
    if player is None:
        return None
    return {"id": player.pk, "name": player.name, "display_name": player.display_name}


def competition_json(competition: Competition) -> dict:
    return {"id": competition.pk, "name": competition.name, "season": competition.season}


def score_json(match: Match) -> dict | None:
    if not match.has_score:
        return None
    half_time = None
    # The stored half-time score runs with the first half; it is the half-time score only once that is over.
    if match.home_score_half_time is not None and match.status != Match.Status.FIRST_HALF:
        half_time = {"home": match.home_score_half_time, "away": match.away_score_half_time}
    return {"home": match.home_score, "away": match.away_score, "half_time": half_time}


def match_json(match: Match, *, request: HttpRequest, seq: int) -> dict:
    return {
        "id": match.pk,
        "competition": competition_json(match.competition),
        "matchday": match.matchday,
        "round_name": match.round_name,
        "kickoff": _iso(match.kickoff),
        "venue": match.venue,
        "referee": match.referee,
        "status": match.status,
        "status_label": match.get_status_display(),
        "minute_label": match.minute_label,
        "home_team": team_json(match.home_team),
        "away_team": team_json(match.away_team),
        "score": score_json(match),
        "url": request.build_absolute_uri(match.get_absolute_url()),
        "last_seq": seq,
    }


def entry_json(entry: Entry, *, page_url: str, seq: int | None) -> dict:
    return {
        "id": entry.pk,
        "seq": seq,
        "period": entry.period,
        "minute": entry.minute,
        "added_minute": entry.added_minute,
        "minute_label": entry.minute_label,
        "kind": entry.kind,
        "kind_label": entry.get_kind_display(),
        "key": entry.is_key,
        "team": entry.team_id,
        "player": player_json(entry.player),
        "player2": player_json(entry.player2),
        "var_outcome": entry.var_outcome,
        "overturned": entry.overturned,
        "stoppage_minutes": entry.stoppage_minutes,
        "text_html": entry.text,
        "pinned": entry.pinned,
        "created_at": _iso(entry.created_at),
        "edited_at": _iso(entry.edited_at),
        "url": f"{page_url}#entry-{entry.pk}",
    }


def _event(entry: Entry) -> dict:
    return {
        "entry_id": entry.pk,
        "period": entry.period,
        "minute": entry.minute,
        "added_minute": entry.added_minute,
        "minute_label": entry.minute_label,
    }


def scorer_json(goal: Entry) -> dict:
    note = ""
    if goal.kind == Entry.Kind.PENALTY_GOAL:
        note = _("rig.")
    elif goal.kind == Entry.Kind.OWN_GOAL:
        note = _("aut.")
    return {
        **_event(goal),
        "player": player_json(goal.player),
        "penalty": goal.kind == Entry.Kind.PENALTY_GOAL,
        "own_goal": goal.kind == Entry.Kind.OWN_GOAL,
        "note": note,
    }


def booking_json(card: Entry) -> dict:
    return {
        **_event(card),
        "player": player_json(card.player),
        "kind": card.kind,
        "kind_label": card.get_kind_display(),
        "sending_off": card.kind in Entry.SENDING_OFF_KINDS,
    }


def substitution_json(sub: Entry) -> dict:
    return {**_event(sub), "player_off": player_json(sub.player), "player_on": player_json(sub.player2)}


def lineup_player_json(row: LineupEntry) -> dict:
    player = row.player
    return {
        "id": player.pk,
        "name": player.name,
        "display_name": player.display_name,
        "shirt_number": player.shirt_number,
        "position": player.position,
    }


# Views ------------------------------------------------------------------------------------------------


@api_view
def match_list(request: HttpRequest) -> dict:
    status = request.GET.get("status")
    if status is not None and status not in STATUS_FILTERS:
        raise ApiError(
            _("Stato sconosciuto “%(status)s”: usa uno di %(choices)s.")
            % {"status": status, "choices": ", ".join(STATUS_FILTERS)}
        )
    competition = _integer_param(request, "competition", minimum=1)
    limit = min(_integer_param(request, "limit", default=DEFAULT_LIMIT, minimum=1), MAX_LIMIT)
    offset = _integer_param(request, "offset", default=0)

    matches = Match.objects.with_teams().annotate(
        api_last_seq=Coalesce(
            Subquery(Update.objects.filter(match=OuterRef("pk")).order_by("-seq").values("seq")[:1]), 0
        )
    )
    if status is not None:
        matches = matches.filter(status__in=STATUS_FILTERS[status])
    if competition is not None:
        matches = matches.filter(competition_id=competition)
    if status in ASCENDING_STATUSES:
        matches = matches.order_by("kickoff", "pk")
    else:
        matches = matches.order_by("-kickoff", "-pk")

    count = matches.count()
    page = list(matches[offset : offset + limit])

    def page_url(new_offset: int) -> str:
        query = request.GET.copy()
        query["offset"] = str(new_offset)
        query["limit"] = str(limit)
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    return {
        "count": count,
        "limit": limit,
        "offset": offset,
        "next": page_url(offset + limit) if offset + limit < count else None,
        "previous": page_url(max(offset - limit, 0)) if offset > 0 else None,
        "results": [match_json(m, request=request, seq=m.api_last_seq) for m in page],
    }


@api_view
def match_detail(request: HttpRequest, pk: int) -> dict:
    match = get_object_or_404(Match.objects.with_teams(), pk=pk)
    seq = last_seq(match=match)
    facts = match_facts(match=match, entries=key_entries(match=match))
    sheets = lineups(match=match)
    sides = facts.sides

    def per_side(shape, attribute: str) -> dict:
        return {key: [shape(entry) for entry in getattr(side, attribute)] for key, side in sides.items()}

    return {
        **match_json(match, request=request, seq=seq),
        "formations": {"home": match.home_formation, "away": match.away_formation},
        "coaches": {"home": match.home_coach, "away": match.away_coach},
        "stoppage_time": {
            "first_half": match.stoppage_first_half,
            "second_half": match.stoppage_second_half,
            "extra_first_half": match.stoppage_extra_first_half,
            "extra_second_half": match.stoppage_extra_second_half,
        },
        "summary": match.summary,
        "lineups": {
            key: {role: [lineup_player_json(row) for row in rows] for role, rows in sheet.items()}
            for key, sheet in sheets.items()
        },
        "scorers": per_side(scorer_json, "goals"),
        "bookings": per_side(booking_json, "cards"),
        "substitutions": per_side(substitution_json, "substitutions"),
    }


@api_view
def match_entries(request: HttpRequest, pk: int) -> dict:
    """All current entries, or with `since` exactly the updates after it: the websocket's numbers."""
    since = _integer_param(request, "since")
    match = get_object_or_404(Match.objects.only("pk"), pk=pk)
    page_url = request.build_absolute_uri(match.get_absolute_url())
    entries = Entry.objects.filter(match=match).select_related("player", "player2")

    if since is None:
        # The number first, the entries second (as the page does): an update landing in between shows in
        # the entries already and again after `since=last_seq`, and applying it twice changes nothing.
        seq = last_seq(match=match)
        changed = dict(
            Update.objects.filter(match=match, entry_id__isnull=False)
            .values("entry_id")
            .annotate(last=Max("seq"))
            .order_by()
            .values_list("entry_id", "last")
        )
        return {
            "match": match.pk,
            "last_seq": seq,
            "entries": [entry_json(e, page_url=page_url, seq=changed.get(e.pk)) for e in entries],
        }

    updates = list(
        Update.objects.filter(match=match, seq__gt=since).order_by("seq").values("seq", "action", "entry_id")
    )
    seq = updates[-1]["seq"] if updates else last_seq(match=match)
    wanted = {u["entry_id"] for u in updates if u["action"] in ENTRY_ACTIONS and u["entry_id"]}
    current = {e.pk: e for e in entries.filter(pk__in=wanted)} if wanted else {}
    changed = {u["entry_id"]: u["seq"] for u in updates if u["entry_id"]}
    result = []
    for update in updates:
        entry = current.get(update["entry_id"]) if update["action"] in ENTRY_ACTIONS else None
        result.append(
            {
                "seq": update["seq"],
                "action": update["action"],
                "entry_id": update["entry_id"],
                "entry": entry_json(entry, page_url=page_url, seq=changed[entry.pk]) if entry else None,
            }
        )
    return {"match": match.pk, "last_seq": seq, "updates": result}


@api_view
def competition_standings(request: HttpRequest, pk: int) -> dict:
    matchday = _integer_param(request, "matchday", minimum=1)
    competition = get_object_or_404(Competition, pk=pk)
    rows = standings_table(competition=competition, until_matchday=matchday)
    return {
        "competition": competition_json(competition),
        "matchday": matchday,
        "rows": [
            {
                "position": row.position,
                "team": team_json(row.team),
                "played": row.played,
                "won": row.won,
                "drawn": row.drawn,
                "lost": row.lost,
                "goals_for": row.goals_for,
                "goals_against": row.goals_against,
                "goal_difference": row.goal_difference,
                "points": row.points,
            }
            for row in rows
        ],
    }


@api_view
def openapi(request: HttpRequest) -> dict:
    return openapi_document(server_url=request.build_absolute_uri("/"))
