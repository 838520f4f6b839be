import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csp import csp_override
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import condition, require_POST

from commentary.domain.messages import message_send
from commentary.domain.presenters import scorers_line
from commentary.domain.ratings import MARKS, VoteRefused, poll_answer, ratings, vote_cast
from commentary.domain.rendering import live_table_context, scoreboard_context, sheet_context
from commentary.domain.report import json_ld
from commentary.domain.selectors import feed_entries, last_seq, last_seq_annotation, scores_then
from commentary.domain.stats import match_stats
from commentary.models import Entry, Update
from commentary.public.rounds import followed
from matches.models import Match, Player
from matches.presenters import result_line
from matches.standings import standings_table

PAGE_ENTRIES = 100  # the newest entries a page opens with; older ones a click away (or a permalink's)


def _reading(request, *, archive: bool) -> tuple[str, bool, int | None]:
    """How the reader asked to read the blog: the order, the key-events filter and the entry it must reach
    (`?entry=N`, what a permalink `#entry-N` to an older entry asks for), from the query string. Only these
    known values go anywhere (the page, its ETag): whatever else was typed is ignored."""
    order = request.GET.get("order")
    if order not in ("newest", "oldest"):
        order = "oldest" if archive else "newest"
    until = request.GET.get("entry", "")
    until = int(until) if until.isdigit() and len(until) < 19 else None
    return order, request.GET.get("filter") == "key", until


def _page_of(entries: list, *, order: str, key_only: bool, until: int | None) -> tuple[list, int, int | None]:
    """The entries the page shows, in its order; how many older ones it leaves out; the entry the "older"
    link reaches (one page further back). Newest first, a page opens with the newest PAGE_ENTRIES, or down
    to `until`; from the first minute, or key events only, it shows them all."""
    if order == "oldest":
        return entries, 0, None
    newest_first = entries[::-1]
    if key_only:
        return newest_first, 0, None
    shown = PAGE_ENTRIES
    if until is not None:
        position = next((i for i, entry in enumerate(newest_first) if entry.pk == until), None)
        shown = max(shown, (position or 0) + 1)
    older = max(0, len(newest_first) - shown)
    reach = newest_first[min(len(newest_first), shown + PAGE_ENTRIES) - 1].pk if older else None
    return newest_first[:shown], older, reach


def _match_version(request, pk: int) -> str | None:
    """The page's ETag: it changes with every update of the match, and with what the reader asked for."""
    match = Match.objects.filter(pk=pk).values("status", "competition_id").first()
    if match is None:
        return None
    archive = match["status"] in ARCHIVE_STATUSES
    parts = [
        pk,
        last_seq(match=Match(pk=pk)),
        get_language(),
        match["status"],
        *_reading(request, archive=archive),
    ]
    if match["status"] == Match.Status.FINISHED:
        # the table after the match on the page moves with every other result of the competition
        parts.append(_competition_version(match["competition_id"]))
    return "-".join(str(part) for part in parts)


def _competition_version(competition_id: int) -> int:
    """The newest update of any match of the competition: it changes with every result."""
    newest = Update.objects.filter(match__competition_id=competition_id).order_by("-pk").values("pk").first()
    return newest["pk"] if newest else 0


def _last_modified(request, pk: int):
    update = Update.objects.filter(match_id=pk).order_by("-seq").values("created_at").first()
    return update["created_at"] if update else None


ARCHIVE_STATUSES = (Match.Status.FINISHED, Match.Status.ABANDONED)


def _archive(match: Match) -> bool:
    """A finished (or abandoned) match's page is an archive: it opens no socket, it reads from the start."""
    return match.status in ARCHIVE_STATUSES


@condition(etag_func=_match_version, last_modified_func=_last_modified)
def match_detail(request, pk: int):
    match = get_object_or_404(Match.objects.with_teams(), pk=pk)
    # The sequence number first, the entries second: an update landing in between is replayed to the
    # client, which applies it idempotently (see docs/PROTOCOL.md).
    seq = last_seq(match=match)
    entries = feed_entries(match=match)
    context = {
        **scoreboard_context(match=match, entries=entries),
        **sheet_context(match=match, entries=entries),
    }
    facts = context["facts"]
    archive = _archive(match)
    order, key_only, until = _reading(request, archive=archive)
    page_url = request.build_absolute_uri(request.path)
    headline = result_line(match)
    shown, older, reach = _page_of(entries, order=order, key_only=key_only, until=until)
    context.update(
        seq=seq,
        entries=shown,
        older=older,
        older_url=f"?entry={reach}#entry-{reach}" if reach else "",
        order=order,
        key_only=key_only,
        live=not archive,
        pinned=next((e for e in entries if e.pinned), None),
        headline=headline,
        description=_description(match, facts),
        page_url=page_url,
        json_ld=json_ld(match=match, facts=facts, entries=entries, page_url=page_url, summary=headline),
        standings=_standings_after(match) if match.status == Match.Status.FINISHED else None,
        stats=match_stats(match=match, entries=entries),
        **(_pagelle(match) if match.status == Match.Status.FINISHED else {}),
        **(_live_table(match) if match.is_live and match.has_live_table else {}),
    )
    response = render(request, "commentary/match_detail.html", context)
    # Live pages are revalidated every time (a 304 while nothing happened); a finished match may be kept a
    # minute by any cache. Either way the ETag makes a repeat visit cheap.
    if archive:
        patch_cache_control(response, public=True, max_age=60)
    else:
        patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
    return response


def _description(match: Match, facts) -> str:
    """One sentence for search results and link previews: result, scorers, competition and date."""
    scorers = scorers_line(facts.home.goals + facts.away.goals)
    when = date_format(localtime(match.kickoff), "j F Y")
    parts = [result_line(match), str(match.competition), when]
    if scorers:
        parts.insert(1, scorers)
    if match.is_live:
        parts.insert(0, _("In diretta"))
    return " · ".join(parts)


def _pagelle(match: Match) -> dict:
    rows = ratings(match=match)
    return {"ratings": rows, "marks": MARKS} if any(row.mark for row in rows) else {}


VOTER_COOKIE = "diretta_voter"


@csrf_exempt  # no token on a cached public page: the origin is checked instead, and a vote is bounded
@require_POST
def vote(request, pk: int, player_pk: int):
    """A reader's mark for a player (commentary.domain.ratings): the answer replaces the vote's form."""
    match = get_object_or_404(Match, pk=pk)
    player = get_object_or_404(Player, pk=player_pk)
    if not _same_origin(request):
        return HttpResponse(
            _("Voto rifiutato: arriva da un altro sito."), status=403, content_type="text/plain"
        )
    token = request.COOKIES.get(VOTER_COOKIE) or secrets.token_hex(16)
    refused, status = False, 200
    try:
        cast = vote_cast(
            match=match, player=player, mark=request.POST.get("mark"), voter=token, address=_address(request)
        )
        text = _("Grazie: hai dato %(mark)s a %(player)s.") % {"mark": f"{cast.mark:g}", "player": player}
    except VoteRefused as error:
        text, refused, status = error.messages[0], True, error.status
    except ValidationError as error:
        text, refused, status = error.messages[0], True, 400
    response = render(
        request, "commentary/ratings.html#voted", {"text": text, "refused": refused}, status=status
    )
    response.set_cookie(
        VOTER_COOKIE, token, max_age=365 * 86400, httponly=True, samesite="Lax", secure=request.is_secure()
    )
    return response


@csrf_exempt  # as the pagelle's votes
@require_POST
def poll_vote(request, pk: int):
    """A reader answers a poll entry: the answer replaces the poll's form; the results move for everyone."""
    entry = get_object_or_404(Entry.objects.select_related("match"), pk=pk)
    if not _same_origin(request):
        refusal = _("Voto rifiutato: arriva da un altro sito.")
        return HttpResponse(refusal, status=403, content_type="text/plain")
    token = request.COOKIES.get(VOTER_COOKIE) or secrets.token_hex(16)
    option = request.POST.get("option", "")
    try:
        answer = poll_answer(
            entry=entry,
            option_pk=int(option) if option.isdigit() and len(option) < 19 else None,
            voter=token,
            address=_address(request),
        )
        context, status = {"text": _("Grazie: hai scelto %(option)s.") % {"option": answer.option}}, 200
    except VoteRefused as error:
        context, status = {"text": error.messages[0], "refused": True}, error.status
    response = render(request, "commentary/ratings.html#voted", context, status=status)
    response.set_cookie(
        VOTER_COOKIE, token, max_age=365 * 86400, httponly=True, samesite="Lax", secure=request.is_secure()
    )
    return response


@csrf_exempt  # as the votes: the origin is checked, and messages are bounded per address
@require_POST
def reader_message(request, pk: int):
    """A reader writes to the desk (commentary.domain.messages): the answer replaces the form."""
    match = get_object_or_404(Match, pk=pk)
    if not _same_origin(request):
        refusal = _("Messaggio rifiutato: arriva da un altro sito.")
        return HttpResponse(refusal, status=403, content_type="text/plain")
    try:
        message_send(
            match=match,
            name=request.POST.get("name", ""),
            text=request.POST.get("text", ""),
            honeypot=request.POST.get("website", ""),
            address=_address(request),
        )
    except VoteRefused as error:
        context = {"text": error.messages[0], "refused": True}
        return render(request, "commentary/ratings.html#voted", context, status=error.status)
    context = {"text": _("Grazie: la redazione leggerà il tuo messaggio."), "refused": False}
    return render(request, "commentary/ratings.html#voted", context)


def _same_origin(request) -> bool:
    origin = request.headers.get("Origin")
    if origin is None:
        return request.headers.get("Sec-Fetch-Site", "same-origin") == "same-origin"
    return origin == f"{request.scheme}://{request.get_host()}"


def _address(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


def _live_table(match: Match) -> dict:
    """The table "if it ended like this", and what the page's round socket follows to keep it moving with the
    other matches' goals (read first: what lands in between is replayed)."""
    following = followed(list(Match.objects.round_of(match).annotate(seq=last_seq_annotation())))
    return {**live_table_context(match=match), "round_ticker": following}


def _standings_after(match: Match):
    return {
        "rows": standings_table(competition=match.competition, after_match=match),
        "highlight": {match.home_team_id, match.away_team_id},
    }


@xframe_options_exempt
@csp_override({**settings.SECURE_CSP, "frame-ancestors": ["*"]})
def match_embed(request, pk: int):
    """Scoreboard and latest entries, live, for an iframe on another site: the one page that may be framed."""
    match = get_object_or_404(Match.objects.with_teams(), pk=pk)
    seq = last_seq(match=match)
    context = scoreboard_context(match=match)
    context.update(
        seq=seq,
        entries=feed_entries(match=match, newest=EMBED_ENTRIES)[::-1],
        order="newest",
        live=not _archive(match),
        pinned=None,
    )
    return render(request, "commentary/match_embed.html", context)


EMBED_ENTRIES = 10


def match_relive(request, pk: int):
    """A finished match told again as if live, without spoilers: the blog and the score advance at the
    reader's speed (static/js/relive.js); nothing on the page says how it ended until it gets there."""
    match = get_object_or_404(Match.objects.with_teams(), pk=pk)
    if not _archive(match):
        return redirect(match.get_absolute_url())
    entries = feed_entries(match=match)
    for entry in entries:
        entry.match = match  # the score's teams at hand, no query per entry
    scores_then(entries)
    start = entries[0].created_at if entries else match.kickoff
    steps = [(entry, int((entry.created_at - start).total_seconds())) for entry in entries]
    return render(request, "commentary/relive.html", {"match": match, "steps": steps})
