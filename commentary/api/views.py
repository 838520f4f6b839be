"""The API's operations: matches, their entries (numbered like the websocket's updates), standings.

Each view reads the models and returns them; the schemas (`commentary.api.schemas`) pick the fields. Every
view makes a fixed number of queries whatever the number of entries or matches.
"""

from django.db.models import Max
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Path, Router

from commentary.domain.selectors import key_entries, last_seq, last_seq_annotation, lineups, match_facts
from commentary.domain.stats import match_stats
from commentary.models import Entry, Update
from matches.models import Competition, Match
from matches.standings import standings_table

from . import schemas
from .params import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    STATUS_FILTERS,
    CompetitionId,
    MatchId,
    StatusFilter,
    query_integer,
)

router = Router()

# The match list reads like the home page: what is on or coming first by kick-off, results newest first.
ASCENDING_STATUSES = {"live", Match.Status.SCHEDULED, *Match.LIVE_STATUSES}
# Updates that carry an entry's new state; a delete or a status change carries none.
ENTRY_ACTIONS = (Update.Action.PUBLISH, Update.Action.EDIT, Update.Action.PIN, Update.Action.RESTORE)

BAD_REQUEST = {400: schemas.Error}
NOT_FOUND = {404: schemas.Error}
# What the gate in front of every API URL answers (commentary.api.gate); documented on each operation.
NOT_ALLOWED = {405: schemas.Error}


def read(path: str, *, response: dict, url_name: str, **options):
    """A GET operation, and HEAD at the same URL (left out of the document: the same answer, no body)."""

    def decorator(view):
        router.add_api_operation(
            path, ["HEAD"], view, response=response, url_name=url_name, include_in_schema=False
        )
        return router.get(path, response={**response, **NOT_ALLOWED}, url_name=url_name, **options)(view)

    return decorator


@read(
    "/matches/",
    response={200: schemas.MatchList, **BAD_REQUEST},
    url_name="match-list",
    operation_id="listMatches",
    summary="Matches, paginated",
    description="Live and scheduled matches by kick-off, soonest first; otherwise newest first.",
    tags=["matches"],
)
def match_list(
    request: HttpRequest,
    status: StatusFilter,
    competition: query_integer(1, "A competition's id."),
    limit: query_integer(
        1, f"Page size; larger values are capped at {MAX_LIMIT}.", default=DEFAULT_LIMIT, capped_at=MAX_LIMIT
    ),
    offset: query_integer(0, "Matches to skip.", default=0),
):
    matches = Match.objects.with_teams().annotate(api_last_seq=last_seq_annotation())
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
        "results": page,
    }


@read(
    "/matches/{id:id}/",
    response={200: schemas.MatchDetail, **NOT_FOUND},
    url_name="match-detail",
    operation_id="getMatch",
    summary="One match with its line-ups, scorers, bookings and substitutions",
    tags=["matches"],
)
def match_detail(request: HttpRequest, id: Path[MatchId]):
    match = get_object_or_404(Match.objects.with_teams(), pk=id)
    match.api_last_seq = last_seq(match=match)
    match.api_facts = match_facts(match=match, entries=key_entries(match=match))
    match.api_lineups = lineups(match=match)
    match.api_stats = match_stats(match=match)
    return match


@read(
    "/matches/{id:id}/entries/",
    response={200: schemas.Entries | schemas.EntryUpdates, **BAD_REQUEST, **NOT_FOUND},
    url_name="match-entries",
    operation_id="listMatchEntries",
    summary="The live blog, whole or since an update number",
    description=(
        "Updates are numbered 1, 2, 3… per match with no gaps, with the same numbers as the websocket "
        "(docs/PROTOCOL.md). A client that has applied update n asks `since=n` and gets exactly the "
        "updates after it, in order. A `last_seq` lower than `since` means the client's numbers come "
        "from another log (a database reset): fetch again without `since`."
    ),
    tags=["entries"],
)
def match_entries(
    request: HttpRequest,
    id: Path[MatchId],
    since: query_integer(0, "The number of the last update the client has applied (0 for none)."),
):
    """All current entries, or with `since` exactly the updates after it: the websocket's numbers."""
    match = get_object_or_404(Match.objects.only("pk"), pk=id)
    entries = (
        Entry.objects.filter(match=match).select_related("player", "player2").prefetch_related("pictures")
    )

    def numbered(entry: Entry, seq: int | None) -> Entry:
        entry.match = match  # the page's URL without a query per entry
        entry.api_seq = seq
        return entry

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
            "entries": [numbered(e, changed.get(e.pk)) for e in entries],
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
        result.append({**update, "entry": numbered(entry, changed[entry.pk]) if entry else None})
    return {"match": match.pk, "last_seq": seq, "updates": result}


@read(
    "/competitions/{id:id}/standings/",
    response={200: schemas.Standings, **BAD_REQUEST, **NOT_FOUND},
    url_name="competition-standings",
    operation_id="getStandings",
    summary="A competition's table",
    tags=["competitions"],
)
def competition_standings(
    request: HttpRequest,
    id: Path[CompetitionId],
    matchday: query_integer(1, "The table after this matchday (default: after every finished match)."),
):
    competition = get_object_or_404(Competition, pk=id)
    rows = standings_table(competition=competition, until_matchday=matchday)
    return {"competition": competition, "matchday": matchday, "rows": rows}
