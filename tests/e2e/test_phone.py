"""The match page on a phone and on a laptop: the score and the latest entry open the page, the header is one
line, and the pitches are one tap away (issue 5/7, the match page built for the phone)."""

import pytest
from playwright.sync_api import expect

from commentary.models import Entry
from tests.conftest import make_match, publish
from tests.e2e.conftest import csp_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = {"phone": (390, 844), "laptop": (1366, 768)}


@pytest.mark.parametrize("screen", sorted(SCREENS))
def test_score_and_latest_entry_open_the_page(browser, server, screen):
    width, height = SCREENS[screen]
    match = make_match(home_formation="4-3-3", away_formation="3-5-2")
    publish(match=match, kind=Entry.Kind.KICK_OFF, text="Si parte!")
    for n in range(12):
        publish(match=match, text=f"Azione numero {n}: " + "possesso prolungato a centrocampo. " * 4)
    context = browser.new_context(
        viewport={"width": width, "height": height}, is_mobile=screen == "phone", locale="it-IT"
    )
    page = context.new_page()
    blocked = csp_violations(page)
    page.goto(f"{server.url}/matches/{match.pk}/")
    expect(page.locator("#live-status")).to_have_attribute("data-state", "live", timeout=10_000)

    score = page.locator("#scoreboard [data-score=home]").bounding_box()
    latest = page.locator("#feed article").first
    expect(latest).to_contain_text("Azione numero 11")
    assert score["y"] + score["height"] <= height, f"the score is below the fold ({score})"
    top = latest.bounding_box()["y"]
    assert top < height - 80, f"the latest entry starts at y={top} on a {width}×{height} screen"

    # the header is one line: brand, sections and languages side by side, nothing cut off
    tops = page.locator(".site-header > *:not(.skip-link)").evaluate_all(
        "els => els.map(e => Math.round(e.getBoundingClientRect().top))"
    )
    assert max(tops) - min(tops) <= 12, tops
    nav = page.locator(".site-header nav").first
    assert nav.evaluate("n => n.scrollWidth <= n.clientWidth + 1"), "the header's sections do not fit"

    # the pitches are one tap away
    pitch = page.locator("#pitches svg").first
    expect(pitch).to_be_hidden()
    page.get_by_text("Formazioni in campo").click()
    expect(pitch).to_be_visible()
    context.close()
    assert blocked == []
