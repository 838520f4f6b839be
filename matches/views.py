from dataclasses import dataclass
from itertools import groupby

from django.db.models import Count, Max, Min, Q
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from .models import Competition, Match, Player, Team
from .names import fold
from .standings import standings_table

# The season around a match: competitions, standings, matchdays, teams, search. Replays (copies of a match
# played again for show) are left out everywhere here: the season has each match once.


def competition_list(request):
    competitions = Competition.objects.annotate(
        match_count=Count("matches", filter=Q(matches__replay_of__isnull=True)),
        finished_count=Count(
            "matches", filter=Q(matches__replay_of__isnull=True, matches__status=Match.Status.FINISHED)
        ),
    )
    return render(request, "matches/competition_list.html", {"competitions": competitions})


def competition_detail(request, pk: int):
    competition = get_object_or_404(Competition, pk=pk)
    matchdays = list(
        _season_matches(competition)
        .filter(matchday__isnull=False)
        .values("matchday")
        .annotate(
            total=Count("pk"),
            finished=Count("pk", filter=Q(status=Match.Status.FINISHED)),
            first=Min("kickoff"),
            last=Max("kickoff"),
        )
        .order_by("matchday")
    )
    numbers = [day["matchday"] for day in matchdays]
    played = [day["matchday"] for day in matchdays if day["finished"]]
    selected = played[-1] if played else None
    requested = request.GET.get("matchday", "")
    if requested.isdigit() and int(requested) in numbers:
        selected = int(requested)
    rows = standings_table(competition=competition, until_matchday=selected)
    if selected is None:
        caption = _("Classifica")
    else:
        caption = _("Classifica dopo la %(day)sª giornata") % {"day": selected}
    context = {
        "competition": competition,
        "matchdays": matchdays,
        "selected": selected,
        "rows": rows,
        "caption": caption,
    }
    return render(request, "matches/competition_detail.html", context)


@dataclass(frozen=True)
class TeamMatch:
    """A match seen from one team's side."""

    match: Match
    at_home: bool

    @property
    def opponent(self) -> Team:
        return self.match.away_team if self.at_home else self.match.home_team

    @property
    def scored(self) -> int | None:
        return self.match.home_score if self.at_home else self.match.away_score

    @property
    def conceded(self) -> int | None:
        return self.match.away_score if self.at_home else self.match.home_score

    @property
    def outcome(self) -> str:
        """The result for this team ("won", "drawn", "lost"), or "" while there is no score."""
        if self.scored is None or self.conceded is None:
            return ""
        if self.scored > self.conceded:
            return "won"
        return "drawn" if self.scored == self.conceded else "lost"


def team_detail(request, pk: int):
    team = get_object_or_404(Team, pk=pk)
    matches = [
        TeamMatch(match=match, at_home=match.home_team_id == team.pk)
        for match in Match.objects.with_teams()
        .filter(Q(home_team=team) | Q(away_team=team), replay_of__isnull=True)
        .order_by("kickoff", "pk")
    ]
    results = [m for m in matches if m.match.status == Match.Status.FINISHED and m.outcome]
    fixtures = [m for m in matches if not (m.match.status == Match.Status.FINISHED and m.outcome)]
    competitions = list({m.match.competition_id: m.match.competition for m in reversed(matches)}.values())
    groups = {
        Player.Position.GOALKEEPER: _("Portieri"),
        Player.Position.DEFENDER: _("Difensori"),
        Player.Position.MIDFIELDER: _("Centrocampisti"),
        Player.Position.FORWARD: _("Attaccanti"),
        "": _("Altri"),
    }
    order = list(groups)
    players = sorted(
        team.players.all(),
        key=lambda p: (order.index(p.position if p.position in groups else ""), p.shirt_number or 999),
    )
    squad = [
        (code or "other", groups.get(code, groups[""]), list(group))
        for code, group in groupby(players, key=lambda p: p.position if p.position in groups else "")
    ]
    context = {
        "team": team,
        "competitions": competitions,
        "results": results,
        "fixtures": fixtures,
        "squad": squad,
    }
    return render(request, "matches/team_detail.html", context)


SEARCH_TEAMS_SHOWN = 20
SEARCH_RESULTS_SHOWN = 20
SEARCH_FIXTURES_SHOWN = 10


def search(request):
    """Teams whose name or short name contains the query, accents and case ignored, and their matches.

    The comparison happens in Python over every team (a few dozen rows), the same on SQLite and
    PostgreSQL. "milan" finds Milan and also Inter, whose name is FC Internazionale Milano: a reader typing
    part of a name may mean either, so both are offered, the closer match first (same short name or name,
    then a word beginning with the query, then the query anywhere).
    """
    query = " ".join(request.GET.get("q", "").split())[:100]
    needle = fold(query)
    teams, recent, upcoming = [], [], []
    if needle:
        ranked = []
        for team in Team.objects.all():
            names = (fold(team.short_name), fold(team.name))
            if not any(needle in name for name in names):
                continue
            if needle in names:
                closeness = 0
            elif any(word.startswith(needle) for name in names for word in name.split()):
                closeness = 1
            else:
                closeness = 2
            ranked.append((closeness, fold(team.short_name), team.pk, team))
        teams = [team for *_key, team in sorted(ranked)][:SEARCH_TEAMS_SHOWN]
    if teams:
        ids = [team.pk for team in teams]
        theirs = Match.objects.with_teams().filter(
            Q(home_team__in=ids) | Q(away_team__in=ids), replay_of__isnull=True
        )
        recent = list(theirs.finished().order_by("-kickoff", "-pk")[:SEARCH_RESULTS_SHOWN])
        upcoming = list(
            theirs.exclude(status=Match.Status.FINISHED).order_by("kickoff", "pk")[:SEARCH_FIXTURES_SHOWN]
        )
    context = {"query": query, "teams": teams, "recent": recent, "upcoming": upcoming}
    return render(request, "matches/search.html", context)


def _season_matches(competition: Competition):
    return Match.objects.filter(competition=competition, replay_of__isnull=True)
