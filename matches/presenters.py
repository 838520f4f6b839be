"""How a match's facts are said, once: the pages, frames, feeds, API, JSON-LD and embed all ask here.

Each function takes plain values or a match and returns text in the active language (or the values a
caller formats itself, like the API). The commentary's own words (goal notes, scorer lines) are in
commentary/domain/presenters.py, which builds on these.
"""

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

if TYPE_CHECKING:  # the models say their minute through this module, so it does not import them
    from .models import Match

DASH = "–"  # between two scores, and between two teams without one


def minute_label(minute: int | None, added: int = 0) -> str:
    """The minute as the live desks write it: "67′", "45+2′"; empty without a minute."""
    if minute is None:
        return ""
    return f"{minute}+{added}′" if added else f"{minute}′"


def score(match: "Match") -> str:
    """ "1–1"; empty before a ball is kicked."""
    return f"{match.home_score}{DASH}{match.away_score}" if match.has_score else ""


def _names(match: "Match", full_names: bool) -> tuple[str, str]:
    if full_names:
        return match.home_team.name, match.away_team.name
    return match.home_team.short_name, match.away_team.short_name


def teams_line(match: "Match", *, full_names: bool = False) -> str:
    """ "Milan – Atalanta" (with full_names: "AC Milan – Atalanta BC"): the match, whatever its score."""
    home, away = _names(match, full_names)
    return f"{home} {DASH} {away}"


def decision(match: "Match") -> str:
    """How a tie went past the 90 minutes: "d.t.s." / "a.e.t." after extra time, then the shoot-out,
    "4–2 d.c.r." / "4–2 on pens" (while it is taken: "rigori 2–1" / "pens 2–1"); empty otherwise."""
    over = match.status == match.Status.FINISHED
    parts = []
    if match.extra_time and (over or match.status == match.Status.PENALTIES):
        parts.append(_("d.t.s."))
    if match.has_shootout:
        penalties = {"home": match.home_penalties, "away": match.away_penalties}
        parts.append((_("%(home)s–%(away)s d.c.r.") if over else _("rigori %(home)s–%(away)s")) % penalties)
    return ", ".join(parts)


def score_line(match: "Match") -> str:
    """ "1–1"; after extra time and a shoot-out "3–3 d.t.s., 4–2 d.c.r." ("3–3 a.e.t., 4–2 on pens")."""
    return " ".join(part for part in (score(match), decision(match)) if part)


def result_line(match: "Match", *, full_names: bool = False) -> str:
    """ "Milan 1–1 Atalanta", "Argentina 3–3 Francia (d.t.s., 4–2 d.c.r.)"; before kick-off, the teams."""
    if not match.has_score:
        return teams_line(match, full_names=full_names)
    home, away = _names(match, full_names)
    line = f"{home} {score(match)} {away}"
    return f"{line} ({how})" if (how := decision(match)) else line


def aggregate_line(match: "Match") -> str:
    """For a second leg: "Andata 1–2 · Totale 3–3" ("First leg 1–2 · Aggregate 3–3"), in the home side's
    order; with the away goals rule deciding a level tie, who goes through. Empty for a single match."""
    first = match.first_leg
    if first is None:
        return ""
    parts = []
    if first.has_score:
        first_leg = f"{first.goals_of(match.home_team_id)}{DASH}{first.goals_of(match.away_team_id)}"
        parts.append(_("Andata %(score)s") % {"score": first_leg})
    if (total := match.aggregate()) is not None:
        parts.append(_("Totale %(home)s–%(away)s") % {"home": total[0], "away": total[1]})
        through = away_goals_winner(match)
        if through is not None:
            parts.append(_("passa %(team)s per i gol in trasferta") % {"team": through.short_name})
    return " · ".join(parts)


def away_goals_winner(match: "Match"):
    """The team the away goals rule puts through a level tie, where the competition has the rule."""
    total = match.aggregate()
    if total is None or total[0] != total[1] or not match.competition.away_goals_rule:
        return None
    home_away_goals, away_away_goals = match.away_goals()
    if home_away_goals == away_away_goals:
        return None
    return match.home_team if home_away_goals > away_away_goals else match.away_team


def half_time_score(match: "Match") -> tuple[int, int] | None:
    """The score at the break, from the break on (the stored one runs with the first half). Not for a match
    postponed or abandoned: whether it reached the break is not known."""
    after_the_break = (
        match.Status.HALF_TIME,
        match.Status.SECOND_HALF,
        match.Status.EXTRA_FIRST_HALF,
        match.Status.EXTRA_HALF_TIME,
        match.Status.EXTRA_SECOND_HALF,
        match.Status.PENALTIES,
        match.Status.FINISHED,
    )
    if match.home_score_half_time is None or match.status not in after_the_break:
        return None
    return match.home_score_half_time, match.away_score_half_time


def half_time_line(match: "Match") -> str:
    """ "Primo tempo 0–1" / "Half-time 0–1"; empty until the first half is over."""
    scores = half_time_score(match)
    if scores is None:
        return ""
    return _("Primo tempo %(home)s–%(away)s") % {"home": scores[0], "away": scores[1]}


def page_title(match: "Match") -> str:
    """The browser tab's title: "Milan 1–1 Atalanta · Diretta · Serie A 2023/24 · Diretta" while live, the
    status word ("Finale", "Da giocare") otherwise."""
    status = _("Diretta") if match.is_live else match.get_status_display()
    return f"{result_line(match)} · {status} · {match.competition} · Diretta"
