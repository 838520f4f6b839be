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


def result_line(match: "Match", *, full_names: bool = False) -> str:
    """ "Milan 1–1 Atalanta"; before kick-off, the teams line."""
    if not match.has_score:
        return teams_line(match, full_names=full_names)
    home, away = _names(match, full_names)
    return f"{home} {score(match)} {away}"


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
