"""Atom feeds: a match's commentary, a competition's results.

Entries' ids are tag: URIs (RFC 4151) made from the site's host, the day the thing was first published and its
primary key, so a reader keeps recognising an entry after an edit (only `updated` moves).
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure
from django.utils.html import escape
from django.utils.translation import gettext as _

from commentary.domain.presenters import scorers_line
from commentary.domain.selectors import match_facts
from commentary.models import Entry
from matches.models import Competition, Match
from matches.presenters import result_line, teams_line
from matches.text import strip_control

MATCH_FEED_MAX_ENTRIES = 500  # a long match has a couple of hundred; the cap only guards the server
RESULTS_FEED_MAX_MATCHES = 50


@dataclass
class FeedSource:
    """What a feed is about, and the host its ids are minted under (taken from the request)."""

    obj: Match | Competition
    authority: str
    base: str = ""  # scheme and host of the request, for the absolute addresses of enclosures


@dataclass
class FeedItem:
    obj: Entry | Match
    id: str
    base: str = ""  # scheme and host of the request, for the absolute addresses of enclosures


def _authority(request) -> str:
    return urlsplit(f"//{request.get_host()}").hostname or "localhost"


def _tag(authority: str, when: datetime | str, specific: str) -> str:
    day = when if isinstance(when, str) else when.astimezone(UTC).date().isoformat()
    return f"tag:{authority},{day}:diretta/{specific}"


def _matchday(match: Match) -> str:
    if match.matchday:
        return _("%(day)sª giornata") % {"day": match.matchday}
    return match.round_name


def _clean(value):
    """XML 1.0 has no place for control characters: a name carrying one made the whole feed a 500."""
    if isinstance(value, str):
        return strip_control(value)
    if isinstance(value, list | tuple):
        return type(value)(_clean(v) for v in value)
    return value


class CleanAtom1Feed(Atom1Feed):
    """Atom whose every text is cleaned at this boundary, whatever the database holds."""

    def __init__(self, *args, **kwargs):
        super().__init__(*(_clean(a) for a in args), **{k: _clean(v) for k, v in kwargs.items()})

    def add_item(self, *args, **kwargs):
        super().add_item(*(_clean(a) for a in args), **{k: _clean(v) for k, v in kwargs.items()})


class AtomFeed(Feed):
    feed_type = CleanAtom1Feed
    author_name = "Diretta"

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"  # public data, for readers running in a browser
        return response

    def item_title(self, item: FeedItem) -> str:
        raise NotImplementedError

    def item_guid(self, item: FeedItem) -> str:
        return item.id

    def item_guid_is_permalink(self, item: FeedItem) -> bool:
        return False


class MatchFeed(AtomFeed):
    """A match's live blog, newest entry first."""

    def get_object(self, request, pk: int) -> FeedSource:
        match = get_object_or_404(Match.objects.with_teams(), pk=pk)
        return FeedSource(match, _authority(request), f"{request.scheme}://{request.get_host()}")

    def title(self, source: FeedSource) -> str:
        return _("%(match)s: la cronaca") % {"match": teams_line(source.obj)}

    def subtitle(self, source: FeedSource) -> str:
        match = source.obj
        return " · ".join(part for part in (str(match.competition), _matchday(match), match.venue) if part)

    def link(self, source: FeedSource) -> str:
        return source.obj.get_absolute_url()

    def feed_guid(self, source: FeedSource) -> str:
        return _tag(source.authority, source.obj.kickoff, f"match/{source.obj.pk}")

    def items(self, source: FeedSource) -> list[FeedItem]:
        match = source.obj
        entries = (match.entries.select_related("player").prefetch_related("pictures").order_by("-pk"))[
            :MATCH_FEED_MAX_ENTRIES
        ]
        return [
            FeedItem(
                entry,
                _tag(source.authority, entry.created_at, f"match/{match.pk}/entry/{entry.pk}"),
                source.base,
            )
            for entry in entries
        ]

    def item_title(self, item: FeedItem) -> str:
        entry = item.obj
        parts = [entry.minute_label, entry.get_kind_display()]
        if entry.player is not None:
            parts.append(entry.player.display_name)
        return " · ".join(part for part in parts if part)

    def item_description(self, item: FeedItem) -> str | None:
        return item.obj.text or None  # already sanitised HTML, sent as <summary type="html">

    def item_link(self, item: FeedItem) -> str:
        # the entry's match is the feed's (the related manager hands it over, no query)
        return f"{item.obj.match.get_absolute_url()}#entry-{item.obj.pk}"

    def item_pubdate(self, item: FeedItem) -> datetime:
        return item.obj.created_at

    def item_updateddate(self, item: FeedItem) -> datetime:
        return item.obj.edited_at or item.obj.created_at

    def item_categories(self, item: FeedItem) -> list[str]:
        return [item.obj.kind]

    def item_enclosures(self, item: FeedItem) -> list:
        """Its photos, the widest variant of each (Atom's rel="enclosure" links)."""
        return [
            Enclosure(item.base + picture.src, str(picture.size), "image/webp")
            for picture in item.obj.pictures.all()
        ]


class CompetitionResultsFeed(AtomFeed):
    """A competition's finished matches, newest first: "Milan 1–1 Atalanta"."""

    def get_object(self, request, pk: int) -> FeedSource:
        return FeedSource(get_object_or_404(Competition, pk=pk), _authority(request))

    def title(self, source: FeedSource) -> str:
        return _("%(competition)s: i risultati") % {"competition": source.obj}

    def link(self, source: FeedSource) -> str:
        return reverse("competition-detail", args=[source.obj.pk])

    def feed_guid(self, source: FeedSource) -> str:
        season = source.obj.season[:4]
        return _tag(source.authority, season if season.isdigit() else "2024", f"competition/{source.obj.pk}")

    def items(self, source: FeedSource) -> list[FeedItem]:
        matches = list(
            Match.objects.with_teams()
            .filter(competition=source.obj, status=Match.Status.FINISHED)
            .order_by("-kickoff", "-pk")[:RESULTS_FEED_MAX_MATCHES]
        )
        goals: dict[int, list[Entry]] = {match.pk: [] for match in matches}
        for goal in (
            Entry.objects.filter(match__in=matches, kind__in=Entry.GOAL_KINDS, overturned=False)
            .exclude(period=Entry.Period.PENALTIES)  # a shoot-out's kicks are not goals
            .select_related("player")
        ):
            goals[goal.match_id].append(goal)
        for match in matches:
            match.feed_goals = goals[match.pk]
        return [
            FeedItem(match, _tag(source.authority, match.kickoff, f"match/{match.pk}/result"))
            for match in matches
        ]

    def item_title(self, item: FeedItem) -> str:
        return result_line(item.obj)

    def item_description(self, item: FeedItem) -> str:
        """Matchday, venue and scorers, as plain text escaped for <summary type="html">."""
        match = item.obj
        facts = match_facts(match=match, entries=match.feed_goals)
        scorers = scorers_line(facts.home.goals + facts.away.goals)
        parts = [_matchday(match), match.venue]
        if scorers:
            parts.append(_("Marcatori") + ": " + scorers)
        return escape(" · ".join(part for part in parts if part))

    def item_link(self, item: FeedItem) -> str:
        return item.obj.get_absolute_url()

    def item_updateddate(self, item: FeedItem) -> datetime:
        return item.obj.kickoff
