"""Rendering of what fans see, shared by the pages and the live frames.

One partial per thing (an entry, the scoreboard): the page includes it, a frame wraps it for an htmx
out-of-band swap. There is no second copy of any markup.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from commentary.models import Entry, Update
from matches.models import Match

from .selectors import feed_entries, key_entries, last_seq, match_facts, pinned_entry

FRAMES = "commentary/feed.html"

# A resync frame carries this many of the latest entries and a link to the full page for the rest: its cost
# stays the same however long the live blog grows (see docs/PROTOCOL.md).
RESYNC_ENTRIES = 200


def scoreboard_context(*, match: Match, entries: list[Entry] | None = None) -> dict:
    """What the scoreboard partial needs; `entries` may be any superset of the key entries, in order."""
    facts = match_facts(match=match, entries=key_entries(match=match) if entries is None else entries)
    return {"match": match, "facts": facts}


def render_update(
    *, match: Match, seq: int, action: str, entry: Entry | None, scoreboard: bool
) -> dict[str, str]:
    """The frame for one update, once per language the site speaks: {"it": …, "en": …}."""
    frames = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            frames[language] = _render_frame(
                match=match, seq=seq, action=action, entry=entry, scoreboard=scoreboard
            )
    return frames


def _render_frame(*, match: Match, seq: int, action: str, entry: Entry | None, scoreboard: bool) -> str:
    """One frame: every top-level element carries data-seq."""
    context = {"match": match, "seq": seq, "entry": entry}
    parts = []
    if action == Update.Action.PUBLISH:
        parts.append(render_to_string(f"{FRAMES}#publish", context))
    elif action == Update.Action.EDIT:
        parts.append(render_to_string(f"{FRAMES}#replace", context))
    elif action == Update.Action.DELETE:
        parts.append(render_to_string(f"{FRAMES}#delete", context))
    elif action == Update.Action.PIN:
        parts.append(render_to_string(f"{FRAMES}#replace", context))
    if action == Update.Action.PIN or (
        entry is not None and entry.pinned and action != Update.Action.PUBLISH
    ):
        parts.append(render_to_string(f"{FRAMES}#pinned", {**context, "pinned": pinned_entry(match=match)}))
    if scoreboard or action == Update.Action.STATUS:
        parts.append(
            render_to_string(f"{FRAMES}#frame-scoreboard", {**context, **scoreboard_context(match=match)})
        )
    return "".join(part.strip() for part in parts)


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
