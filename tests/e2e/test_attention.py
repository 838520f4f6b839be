"""Attention without an app, in Chromium against a real server: follow a match, a toast for a goal in another
followed match, goal alerts through the Notification API (asked for after a click), and the count of new
updates in a hidden tab's title and icon."""

import re

import pytest
from playwright.sync_api import expect

from commentary.models import Entry
from tests.conftest import make_match, play_to, publish, shirt
from tests.e2e.conftest import csp_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Records each notification the page shows, and lets the test say the tab is hidden (headless tabs never are)
SPY = """
window.shown = [];
const Real = window.Notification;
window.Notification = class extends Real {
  constructor(title, options) { super(title, options); window.shown.push(title); }
};
window.tabHidden = false;
Object.defineProperty(document, "hidden", { configurable: true, get: () => window.tabHidden });
"""


def hide(page, hidden: bool):
    page.evaluate(
        "(hidden) => { window.tabHidden = hidden; document.dispatchEvent(new Event('visibilitychange')); }",
        hidden,
    )


def open_live(page, url):
    page.goto(url)
    expect(page.locator("#live-status")).to_have_attribute("data-state", "live", timeout=10_000)


def test_a_followed_match_scores_while_the_reader_is_on_another_match(browser, server):
    followed, watched = make_match(), make_match()
    for match in (followed, watched):
        play_to(match, "first_half")
    context = browser.new_context(locale="it-IT", timezone_id="Europe/Rome")
    context.grant_permissions(["notifications"], origin=server.url)
    context.add_init_script(SPY)
    page = context.new_page()
    blocked = csp_violations(page)
    open_live(page, f"{server.url}{followed.get_absolute_url()}")
    follow = page.locator("#follow")
    expect(follow).to_have_attribute("aria-pressed", "false")
    follow.click()
    expect(follow).to_have_attribute("aria-pressed", "true")
    page.reload()  # kept in the browser
    expect(page.locator("#follow")).to_have_attribute("aria-pressed", "true")

    open_live(page, f"{server.url}{watched.get_absolute_url()}")
    page.wait_for_timeout(3500)  # the followed matches' socket has caught up: what comes now is news
    team, scorer = shirt(followed, "home")
    publish(match=followed, kind=Entry.Kind.GOAL, minute=12, team=team, player=scorer)
    toast = page.locator("#toasts .toast")
    expect(toast).to_contain_text("Gol!")
    expect(toast).to_contain_text("1–0")
    assert toast.locator("a").get_attribute("href") == followed.get_absolute_url()
    # no toast for the match on the page: its own feed tells it
    team, scorer = shirt(watched, "away")
    publish(match=watched, kind=Entry.Kind.GOAL, minute=14, team=team, player=scorer)
    expect(page.locator("#scoreboard [data-score=away]")).to_have_text("1")
    expect(toast).to_have_count(1)
    context.close()
    assert blocked == []


def test_goal_alerts_and_the_hidden_tabs_count(browser, server):
    match = make_match()
    play_to(match, "first_half")
    context = browser.new_context(locale="it-IT", timezone_id="Europe/Rome")
    context.grant_permissions(["notifications"], origin=server.url)
    context.add_init_script(SPY)
    page = context.new_page()
    open_live(page, f"{server.url}{match.get_absolute_url()}")
    alerts = page.locator("#alerts")
    expect(alerts).to_have_attribute("aria-pressed", "false")
    alerts.click()  # permission is asked for only now
    expect(alerts).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#follow")).to_have_attribute("aria-pressed", "true")  # alerts follow the match

    hide(page, True)
    publish(match=match, text="Si gioca sotto la pioggia")
    team, scorer = shirt(match, "home")
    publish(match=match, kind=Entry.Kind.GOAL, minute=20, team=team, player=scorer)
    expect(page).to_have_title(re.compile(r"^\(2\) .*1–0"))
    assert page.locator("link[rel=icon]").get_attribute("href").startswith("data:image/svg+xml")
    page.wait_for_function("window.shown.length === 1")
    assert "1–0" in page.evaluate("window.shown[0]")

    hide(page, False)
    expect(page).not_to_have_title(re.compile(r"^\("))
    assert page.locator("link[rel=icon]").get_attribute("href").endswith("favicon.svg")
    context.close()
