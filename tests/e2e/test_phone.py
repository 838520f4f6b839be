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


def test_every_section_of_a_report_is_one_tap_away_on_a_phone_and_it_can_be_shared(
    browser, server, demo_match
):
    from commentary.domain import services
    from commentary.models import Mark

    services.stat_log(match=demo_match, team=demo_match.home_team, kind="shot_on", x=85, y=40)
    starter = demo_match.lineup.filter(role="starter").first().player
    Mark.objects.create(match=demo_match, player=starter, mark=7, judgement="Decisivo")
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="it-IT"
    )
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    page = context.new_page()
    blocked = csp_violations(page)
    page.goto(f"{server.url}/matches/{demo_match.pk}/")
    for name, section in (
        ("Statistiche", "#stats"),
        ("Pagelle", "#ratings"),
        ("Formazioni", "#lineups"),
        ("Tabellino", "#facts"),
        ("Classifica", "#standings-title"),
        ("Cronaca", "#blog-title"),
    ):
        page.locator(".jump-links").get_by_role("link", name=name, exact=True).tap()
        expect(page.locator(section)).to_be_in_viewport()
    share = page.locator(".jump-links__share")
    expect(share).to_be_visible()
    share.tap()
    shared = page.evaluate("navigator.share ? 'sheet' : navigator.clipboard.readText()")
    assert shared == "sheet" or shared == f"{server.url}/matches/{demo_match.pk}/"
    context.close()
    assert blocked == []
