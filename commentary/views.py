from collections import defaultdict

from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from matches.models import Match

from .models import Entry
from .rendering import scoreboard_context
from .selectors import MatchFacts, feed_entries, last_seq, lineups


def _player_marks(facts: MatchFacts) -> dict[int, list[dict]]:
    """Goal, card and substitution marks beside each player of the line-ups."""
    marks = defaultdict(list)

    def mark(player_id, css, icon, title, entry):
        marks[player_id].append({"css": css, "icon": icon, "title": title, "minute": entry.minute_label})

    for side in facts.sides.values():
        for goal in side.goals:
            title = _("Autogol") if goal.kind == Entry.Kind.OWN_GOAL else _("Gol")
            mark(goal.player_id, "goal", "ball", title, goal)
        for card in side.cards:
            mark(card.player_id, card.kind, card.icon, card.get_kind_display(), card)
        for sub in side.substitutions:
            mark(sub.player_id, "off", "", _("Uscito"), sub)
            mark(sub.player2_id, "on", "", _("Entrato"), sub)
    return marks


def match_detail(request, pk: int):
    match = get_object_or_404(Match.objects.with_teams(), pk=pk)
    # The sequence number first, the entries second: an update landing in between is replayed to the
    # client, which applies it idempotently (see docs/PROTOCOL.md).
    seq = last_seq(match=match)
    entries = feed_entries(match=match)
    context = scoreboard_context(match=match, entries=entries)
    facts = context["facts"]
    marks = _player_marks(facts)
    sides = lineups(match=match)
    lineup_sides = []
    for key, team, formation, coach in (
        ("home", match.home_team, match.home_formation, match.home_coach),
        ("away", match.away_team, match.away_formation, match.away_coach),
    ):
        for row in sides[key]["starters"] + sides[key]["bench"]:
            row.marks = marks.get(row.player_id, [])
        lineup_sides.append({"key": key, "team": team, "formation": formation, "coach": coach, **sides[key]})
    order = request.GET.get("order", "newest")
    if order not in ("newest", "oldest"):
        order = "newest"
    cards = sorted(facts.home.cards + facts.away.cards, key=lambda e: e.pk)
    context.update(
        seq=seq,
        entries=entries if order == "oldest" else entries[::-1],
        order=order,
        # A finished (or abandoned) match's page is an archive: it opens no socket.
        live=match.status not in (Match.Status.FINISHED, Match.Status.ABANDONED),
        pinned=next((e for e in entries if e.pinned), None),
        lineup_sides=lineup_sides,
        bookings=cards,
        sent_off=[c for c in cards if c.kind in Entry.SENDING_OFF_KINDS],
    )
    return render(request, "commentary/match_detail.html", context)
