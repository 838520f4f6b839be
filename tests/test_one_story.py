"""One finished match, told by every output: they all state the same facts, in the same words.

The demo match is the seed's Milan 1–1 Atalanta (Leão 3′, Koopmeiners 42′ rig.; half-time 1–1). The page,
the embed, the websocket's resync frame, the Atom feeds, the JSON API and the JSON-LD all take these words
from the presenters (matches/presenters.py, commentary/domain/presenters.py); if one output says them its
own way, this test tells which.
"""

import html
import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.utils import translation

from commentary.domain.rendering import render_resync

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
FACTS = {
    "it": {
        "result": "Milan 1–1 Atalanta",
        "full_result": "AC Milan 1–1 Atalanta BC",
        "half_time": "Primo tempo 1–1",
        "scorers": ["Leão 3′", "Koopmeiners 42′ rig."],
    },
    "en": {
        "result": "Milan 1–1 Atalanta",
        "half_time": "Half-time 1–1",
        "scorers": ["Leão 3′", "Koopmeiners 42′ pen."],
    },
}


def text_of(markup: str) -> str:
    """What a reader sees: tags dropped, entities decoded, spaces folded."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def section(markup: str, element_id: str) -> str:
    start = markup.index(f'id="{element_id}"')
    return markup[start : markup.index("</section>", start)]


@pytest.fixture
def finished(demo_match):
    assert demo_match.status == demo_match.Status.FINISHED
    return demo_match


@pytest.mark.parametrize("language", ["it", "en"])
def test_page_embed_and_resync_frame_state_the_same_facts(client, finished, language):
    facts = FACTS[language]
    prefix = "" if language == "it" else "/en"
    page = client.get(f"{prefix}/matches/{finished.pk}/").content.decode()
    embed = client.get(f"{prefix}/matches/{finished.pk}/embed/").content.decode()
    _seq, frame = render_resync(match_id=finished.pk, language=language)
    for name, markup in (("page", page), ("embed", embed), ("resync frame", frame)):
        scoreboard = section(markup, "scoreboard")
        assert '<span data-score="home">1</span>' in scoreboard, name
        assert '<span data-score="away">1</span>' in scoreboard, name
        board = text_of(scoreboard)
        assert facts["half_time"] in board, (name, board)
        for scorer in facts["scorers"]:
            assert scorer in board, (name, scorer, board)
    with translation.override(language):
        title = text_of(re.search(r"<title>(.*?)</title>", page, re.S).group(1))
    assert title.startswith(facts["result"]), title
    description = re.search(r'<meta name="description" content="([^"]*)"', page).group(1)
    assert html.unescape(description).startswith(facts["result"])
    for scorer in facts["scorers"]:
        assert scorer in html.unescape(description), description


def test_feeds_api_and_json_ld_state_the_same_facts(client, finished):
    facts = FACTS["it"]
    results = ET.fromstring(client.get(f"/competitions/{finished.competition_id}/feed/").content)
    (item,) = [e for e in results.iter(f"{ATOM}entry") if e.findtext(f"{ATOM}title") == facts["result"]]
    summary = text_of(item.findtext(f"{ATOM}summary"))
    assert "Marcatori: " + ", ".join(facts["scorers"]) in summary, summary

    api = client.get(f"/api/matches/{finished.pk}/").json()
    assert api["score"] == {
        "home": 1,
        "away": 1,
        "half_time": {"home": 1, "away": 1},
        "extra_time": False,
        "penalties": None,
        "aggregate": None,
        "line": "1–1",
    }
    goals = [goal for side in ("home", "away") for goal in api["scorers"][side]]
    said = [
        " ".join(part for part in (g["player"]["display_name"], g["minute_label"], g["note"]) if part)
        for g in goals
    ]
    assert said == facts["scorers"]

    page = client.get(f"/matches/{finished.pk}/").content.decode()
    script = re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', page, re.S)
    ld = json.loads(script.group(1))
    event = next(part for part in ld if part["@type"] == "SportsEvent")
    assert event["description"] == facts["full_result"]
