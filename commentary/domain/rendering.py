"""Rendering of what fans see, shared by the pages and the live frames.

One partial per thing (an entry, the scoreboard): the page includes it, a frame wraps it for an htmx
out-of-band swap. There is no second copy of any markup.
"""

from collections import defaultdict

from django.conf import settings
from django.db.models import Max, prefetch_related_objects
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from commentary.models import TICKER, Entry, Update
from matches.models import Match
from matches.standings import live_table

from .ratings import MARKS, ratings
from .report import place_players, timeline
from .selectors import (
    MatchFacts,
    feed_entries,
    key_entries,
    last_seq,
    lineups,
    match_facts,
    pinned_entry,
    round_blog,
)
from .stats import match_stats

FRAMES = "commentary/feed.html"
TICKER_FRAMES = "commentary/ticker.html"

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
STATS = "commentary/stats.html"
RATINGS = "commentary/ratings.html"
# The feed's partial each kind of update renders (docs/PROTOCOL.md)
FEED_PARTIAL = {
    Update.Action.PUBLISH: "publish",
    Update.Action.EDIT: "replace",
    Update.Action.DELETE: "delete",
    Update.Action.PIN: "replace",
    Update.Action.RESTORE: "publish",
}
# The round blog's partial for each kind of update of an entry on it
ROUND_BLOG_PARTIAL = {
    Update.Action.PUBLISH: "key-replace",  # a page puts the line in its place by time first (ticker.js)
    Update.Action.EDIT: "key-replace",
    Update.Action.DELETE: "key-delete",
    Update.Action.RESTORE: "key-replace",
}


def render_update(
    *,
    match: Match,
    seq: int,
    action: str,
    entry: Entry | None,
    scoreboard: bool,
    sheet: bool = False,
    moved: bool | None = None,
) -> dict[str, str]:
    """The frames of one update, once per language the site speaks: {"it": …, "en": …}, and the ticker's
    ({"ticker:it": …}) when it changes what a page following many matches shows. `sheet`: it carries the
    match sheet too (line-ups, pitches, timeline, bookings, summary); `moved`: the score or the status
    changed (what a card and the live table show; by default, whenever the scoreboard is sent)."""
    if entry is not None:
        prefetch_related_objects([entry], "pictures")  # read once, shown in every language
    context = {"match": match, "seq": seq, "entry": entry}
    # (partial, context) in frame order; each context is read from the database once, then rendered in
    # every language
    parts = []
    if action in FEED_PARTIAL:
        parts.append((f"{FRAMES}#{FEED_PARTIAL[action]}", context))
    if action == Update.Action.PIN or (
        entry is not None and entry.pinned and action not in (Update.Action.PUBLISH, Update.Action.RESTORE)
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
    if action in (Update.Action.RATINGS, Update.Action.VOTES):
        partial = "frame-ratings" if action == Update.Action.RATINGS else "frame-votes"
        parts.append(
            (f"{RATINGS}#{partial}", {**context, "ratings": ratings(match=match), "marks_scale": MARKS})
        )
    if action == Update.Action.VOTES:  # and every poll of the match, with its results as they stand
        for poll in match.entries.filter(kind=Entry.Kind.POLL).select_related("author"):
            parts.append((f"{FRAMES}#replace", {**context, "entry": poll}))
    if action == Update.Action.STATS or (board and action != Update.Action.QUEUE):
        parts.append((f"{STATS}#frame-stats", {**context, "stats": match_stats(match=match)}))
    moved = board if moved is None else moved or action in (Update.Action.STATUS, Update.Action.MATCH)
    table = live_table_context(match=match, seq=seq) if moved and match.has_live_table else None
    if table is not None:
        parts.append((f"{TICKER_FRAMES}#frame-live-table", {**context, **table}))
    # What the pages that follow many matches get: the card, the round blog's line, the live table
    ticker = []
    if moved:
        flash = action == Update.Action.PUBLISH and entry is not None and entry.is_goal
        ticker.append((f"{TICKER_FRAMES}#frame-card", {**context, "flash": flash}))
    if entry is not None and entry.on_round_blog and action in ROUND_BLOG_PARTIAL:
        ticker.append((f"{TICKER_FRAMES}#{ROUND_BLOG_PARTIAL[action]}", context))
    if table is not None:
        ticker.append(parts[-1])
    frames = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            frames[language] = _joined(parts)
            if ticker:
                frames[TICKER + language] = _joined(ticker)
    return frames


def _joined(parts: list[tuple[str, dict]]) -> str:
    return "".join(render_to_string(name, context).strip() for name, context in parts)


def live_table_context(*, match: Match, seq: int | None = None) -> dict:
    """The live table of `match`'s round and its version: the sum of the round's update numbers, so a page
    that gets two tables out of order (two matches' goals at once) keeps the newer one. `seq`: the number
    of the update being rendered (not stored yet)."""
    matches = [match if m.pk == match.pk else m for m in Match.objects.round_of(match)]
    latest = dict(
        Update.objects.filter(match__in=[m.pk for m in matches]).values_list("match").annotate(Max("seq"))
    )
    if seq is not None:
        latest[match.pk] = seq
    return {
        "live_rows": live_table(competition=match.competition, round_matches=matches),
        "table_version": sum(latest.values()),
    }


def render_resync(*, match_id: int, language: str) -> tuple[int, str]:
    """One frame that replaces the feed, the pinned entry and the scoreboard, for a client too far behind;
    for a ticker fan (`language` "ticker:…"), its card, its lines of the round blog and the live table."""
    match = Match.objects.with_teams().get(pk=match_id)
    if language.startswith(TICKER):
        return _ticker_resync(match=match, language=language.removeprefix(TICKER))
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


def _ticker_resync(*, match: Match, language: str) -> tuple[int, str]:
    seq = last_seq(match=match)
    context = {
        "match": match,
        "seq": seq,
        "lines": round_blog(matches=[match]),
        **(live_table_context(match=match) if match.has_live_table else {}),
    }
    with translation.override(language):
        return seq, render_to_string(f"{TICKER_FRAMES}#ticker-resync", context).strip()
