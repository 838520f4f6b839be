"""Rivivi la diretta: a finished match told again as if live, and nothing on the page says how it ended."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_replay_page_keeps_the_result_for_the_end(client, demo_match):
    report = client.get(reverse("match-detail", args=[demo_match.pk])).content.decode()
    assert reverse("match-relive", args=[demo_match.pk]) in report
    page = client.get(reverse("match-relive", args=[demo_match.pk])).content.decode()
    head, feed = page.split('id="feed"', 1)
    assert "1–1" not in head and "0–0" in head  # title, description, scoreboard: no result
    steps = re.findall(r'class="relive-step" hidden data-at="(\d+)" data-score="([^"]+)"', feed)
    assert len(steps) == demo_match.entries.count()
    times = [int(at) for at, _ in steps]
    assert times == sorted(times) and times[0] == 0
    scores = [score for _, score in steps]
    assert scores[0] == "0–0" and "1–0" in scores and scores[-1] == "1–1"  # Leão, then Koopmeiners


def test_a_live_match_has_no_replay_yet(client, match):
    from tests.conftest import play_to

    play_to(match, "first_half")
    response = client.get(reverse("match-relive", args=[match.pk]))
    assert response.status_code == 302 and response["Location"] == match.get_absolute_url()
