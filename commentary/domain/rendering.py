"""Rendering of what fans see, shared by the pages and the live frames.

One partial per thing (an entry, the scoreboard): the page includes it, a frame wraps it for an htmx
out-of-band swap. There is no second copy of any markup.
"""

from collections import defaultdict

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from commentary.models import Entry, Update
from matches.models import Match

from .report import place_players, timeline
from .selectors import MatchFacts, feed_entries, key_entries, last_seq, lineups, match_facts, pinned_entry

FRAMES = "commentary/feed.html"

# A resync frame carries this many of the latest entries and a link to the full page for the rest: its cost
# stays the same however long the live blog grows (see docs/PROTOCOL.md).
RESYNC_ENTRIES = 200


def scoreboard_context(*, match: Match, entries: list[Entry] | None = None) -> dict:
    """What the scoreboard partial needs; `entries` may be any superset of the key entries, in order."""
    facts = match_facts(match=match, entries=key_entries(match=match) if entries is None else entries)
    return {"match": match, "facts": facts}


def sheet_context(*, match: Match, entries: list[Entry] | None = None) -> dict:
    """What the match sheet needs (pitches, line-ups with their marks, timeline, bookings, summary): the page
    shows it, and a frame carries it again whenever a key event, the team sheets or the summary change."""
    facts = match_facts(match=match, entries=key_entries(match=match) if entries is None else entries)
    marks = _player_marks(facts)
    sides = lineups(match=match)
    lineup_sides = []
    for key, team, formation, coach in (
        ("home", match.home_team, match.home_formation, match.home_coach),
        ("away", match.away_team, match.away_formation, match.away_coach),
    ):
        for row in sides[key]["starters"] + sides[key]["bench"]:
            row.marks = marks.get(row.player_id, [])
        lineup_sides.append(
            {
                "key": key,
                "team": team,
                "formation": formation,
                "coach": coach,
                **sides[key],
                "pitch": place_players(formation=formation, starters=sides[key]["starters"], marks=marks),
            }
        )
    cards = sorted(facts.home.cards + facts.away.cards, key=lambda e: e.pk)
    return {
        "match": match,
        "lineup_sides": lineup_sides,
        "bookings": cards,
        "sent_off": [c for c in cards if c.kind in Entry.SENDING_OFF_KINDS],
        "kicks": sorted(facts.home.kicks + facts.away.kicks, key=lambda e: e.pk),
        "timeline": timeline(match=match, facts=facts),
    }


def _player_marks(facts: MatchFacts) -> dict[int, list[dict]]:
    """Goal, card and substitution marks beside each player of the line-ups. Their titles stay lazy: one
    context is rendered once per language (render_update)."""
    marks = defaultdict(list)

    def mark(player_id, css, icon, title, entry):
        marks[player_id].append({"css": css, "icon": icon, "title": title, "minute": entry.minute_label})

    for side in facts.sides.values():
        for goal in side.goals:
            title = _("Autogol") if goal.kind == Entry.Kind.OWN_GOAL else _("Gol")
            mark(goal.player_id, "goal", "ball", title, goal)
        for card in side.cards:
            mark(card.player_id, card.kind, card.icon, Entry.Kind(card.kind).label, card)
        for sub in side.substitutions:
            mark(sub.player_id, "off", "", _("Uscito"), sub)
            mark(sub.player2_id, "on", "", _("Entrato"), sub)
    return marks


SHEET = "commentary/sheet.html"
# The feed's partial each kind of update renders (docs/PROTOCOL.md)
FEED_PARTIAL = {
    Update.Action.PUBLISH: "publish",
    Update.Action.EDIT: "replace",
    Update.Action.DELETE: "delete",
    Update.Action.PIN: "replace",
}


def render_update(
    *, match: Match, seq: int, action: str, entry: Entry | None, scoreboard: bool, sheet: bool = False
) -> dict[str, str]:
    """The frame for one update, once per language the site speaks: {"it": …, "en": …}. `sheet`: it carries
    the match sheet too (line-ups, pitches, timeline, bookings, summary)."""
    context = {"match": match, "seq": seq, "entry": entry}
    # (partial, context) in frame order; each context is read from the database once, then rendered in
    # every language
    parts = []
    if action in FEED_PARTIAL:
        parts.append((f"{FRAMES}#{FEED_PARTIAL[action]}", context))
    if action == Update.Action.PIN or (
        entry is not None and entry.pinned and action != Update.Action.PUBLISH
    ):
        parts.append((f"{FRAMES}#pinned", {**context, "pinned": pinned_entry(match=match)}))
    board = scoreboard or action in (Update.Action.STATUS, Update.Action.MATCH)
    keys = key_entries(match=match) if board or sheet else None
    if board:
        parts.append(
            (f"{FRAMES}#frame-scoreboard", {**context, **scoreboard_context(match=match, entries=keys)})
        )
    if sheet:
        parts.append((f"{SHEET}#frame-sheet", {**sheet_context(match=match, entries=keys), "seq": seq}))
    frames = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            frames[language] = "".join(render_to_string(name, ctx).strip() for name, ctx in parts)
    return frames


def render_resync(*, match_id: int, language: str) -> tuple[int, str]:
    """One frame that replaces the feed, the pinned entry and the scoreboard, for a client too far behind."""
    match = Match.objects.with_teams().get(pk=match_id)
    seq = last_seq(match=match)  # first the number, then the content: later updates replay idempotently
    entries = feed_entries(match=match, newest=RESYNC_ENTRIES)
    context = {
        **scoreboard_context(match=match),
        "seq": seq,
        "entries": entries[::-1],
        "older": match.entries.count() - len(entries),
        "pinned": pinned_entry(match=match),
    }
    with translation.override(language):
        return seq, render_to_string(f"{FRAMES}#resync", context).strip()
