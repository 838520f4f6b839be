"""The pages that follow many matches live over one socket (docs/PROTOCOL.md, "One socket, many matches"):
the home page (today's and live matches, by competition) and a round's page (its matches, the round's blog
"diretta gol", the live table)."""

import json
from datetime import timedelta
from itertools import groupby

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from commentary.domain.rendering import live_table_context
from commentary.domain.selectors import last_seq_annotation, round_blog
from matches.models import Competition, Match

FOLLOWED_AT_MOST = 40  # commentary.live.fans.MAX_TICKER_MATCHES


def followed(matches: list[Match]) -> str:
    """What the page's socket follows: each match and the number of its last update, read before the page's
    content (an update landing in between is replayed, and applied idempotently)."""
    return json.dumps({str(m.pk): m.seq for m in matches[:FOLLOWED_AT_MOST]})


def home(request):
    now = timezone.localtime()
    start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    matches = Match.objects.with_teams().annotate(seq=last_seq_annotation())
    today_or_live = Q(kickoff__gte=start, kickoff__lt=start + timedelta(days=1)) | Q(
        status__in=Match.LIVE_STATUSES
    )
    today = sorted(
        matches.filter(today_or_live),
        key=lambda m: (m.competition.name, m.competition_id, m.matchday or 0, m.kickoff, m.pk),
    )
    # one group per round: competition, matchday, and whether it is a replayed round
    rounds = [
        (key, list(group))
        for key, group in groupby(today, key=lambda m: (m.competition, m.matchday, bool(m.replay_of_id)))
    ]
    shown = [m.pk for m in today]
    finished = Match.objects.with_teams().finished().order_by("-kickoff").exclude(pk__in=shown)
    later = Match.objects.with_teams().upcoming().exclude(pk__in=shown)
    groups = [
        (_("In programma"), "upcoming", list(later.order_by("kickoff")[:30])),
        # the matches we told live (they have line-ups), then the latest results of the season
        (_("Le nostre cronache"), "covered", list(finished.filter(lineup__isnull=False).distinct()[:12])),
        (_("Ultimi risultati"), "finished", list(finished.filter(lineup__isnull=True)[:20])),
    ]
    context = {"rounds": rounds, "groups": groups, "ticker": followed(today) if today else ""}
    return render(request, "matches/match_list.html", context)


def round_detail(request, pk: int, number: int, replay: bool = False):
    """A round: the season's matches of a matchday or (`replay`) the replays of them being played again."""
    competition = get_object_or_404(Competition, pk=pk)
    matches = list(
        Match.objects.with_teams()
        .filter(competition=competition, matchday=number, replay_of__isnull=not replay)
        .annotate(seq=last_seq_annotation())
        .order_by("kickoff", "pk")
    )
    if not matches:
        raise Http404(_("Giornata inesistente."))
    numbers = list(
        Match.objects.filter(competition=competition, replay_of__isnull=not replay, matchday__isnull=False)
        .values_list("matchday", flat=True)
        .distinct()
        .order_by("matchday")
    )
    live = any(m.is_live for m in matches)
    days = [
        (day, list(group))
        for day, group in groupby(matches, key=lambda m: timezone.localtime(m.kickoff).date())
    ]
    context = {
        "competition": competition,
        "number": number,
        "replay": replay,
        "simulated": any(m.simulated for m in matches),
        "days": days,
        "match_count": len(matches),
        "previous": max((n for n in numbers if n < number), default=None),
        "next": min((n for n in numbers if n > number), default=None),
        "lines": round_blog(matches=matches),
        "live": live,
        "ticker": followed(matches) if not all(m.status == Match.Status.FINISHED for m in matches) else "",
        **(live_table_context(match=matches[0]) if live and matches[0].has_live_table else {}),
        "has_live_table": matches[0].has_live_table,
    }
    return render(request, "matches/matchday_detail.html", context)
