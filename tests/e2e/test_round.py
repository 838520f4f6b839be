"""The whole matchday live in Chromium against a real server: the round page and the home page follow many
matches over one socket; a goal from the desk moves their cards, the round's blog and the live table."""

import re

import pytest
from playwright.sync_api import expect

from commentary.models import Entry
from tests.conftest import make_round, play_to, publish, shirt
from tests.e2e.conftest import csp_violations
from tests.e2e.test_desk import KIND, choose, choose_kind, log_in, make_editor, send, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_following(page, url):
    page.goto(url)
    expect(page.locator("#live-status")).to_have_attribute("data-state", "live", timeout=10_000)


def points(page, team):
    """The points of `team` in the live table on the page."""
    name = page.get_by_role("link", name=team.short_name, exact=True)
    return page.locator("#live-table tbody tr").filter(has=name).locator("td").nth(2)


def score(page, match):
    return page.locator(f"#card-{match.pk} .match-card__score")


def test_a_goal_from_the_desk_reaches_the_round_page_the_home_page_and_the_live_table(browser, server):
    first, second = make_round()
    for match in (first, second):
        play_to(match, "first_half")
    make_editor("giulia")
    editor = browser.new_context(locale="it-IT", timezone_id="Europe/Rome")
    fans = browser.new_context(locale="it-IT", timezone_id="Europe/Rome")
    desk, round_page, home = editor.new_page(), fans.new_page(), fans.new_page()
    blocked = [csp_violations(round_page), csp_violations(home)]
    log_in(desk, server, "giulia")
    desk.goto(f"{server.url}/admin/desk/{first.pk}/")
    expect(desk.locator("#live-status")).to_have_attribute("data-state", "live", timeout=10_000)
    open_following(round_page, f"{server.url}/competitions/{first.competition.pk}/matchdays/2/")
    open_following(home, f"{server.url}/")
    expect(round_page.locator("#live-table")).to_be_visible()
    team, scorer = shirt(first, "home")
    expect(points(round_page, team)).to_have_text("1")  # 0–0 as it stands: a draw

    choose_kind(desk, "Gol")
    choose(desk, "#id_team", team.short_name)
    tab_to(desk, "#id_player")
    desk.keyboard.type("9")
    tab_to(desk, KIND)
    send(desk)

    for page in (round_page, home):
        expect(score(page, first)).to_have_text("1–0")
        expect(page.locator(f"#card-{first.pk}")).to_have_class(re.compile("match-card--goal"))
    expect(round_page.locator("#round-blog li")).to_have_count(1)
    expect(round_page.locator("#round-blog li").first).to_contain_text(scorer.display_name)
    expect(round_page.locator("#round-blog li").first).to_contain_text("1–0")
    expect(round_page.locator("#round-blog-empty")).to_be_hidden()
    # the scorers' three points, as if it ended like this
    expect(points(round_page, team)).to_have_text("3")
    expect(round_page.locator("#announcer")).to_contain_text(scorer.display_name)
    editor.close()
    fans.close()
    assert blocked == [[], []], "a page did something its Content Security Policy forbids"


def test_the_round_page_loses_its_socket_and_comes_back_with_nothing_lost_or_doubled(page, server):
    first, second = make_round()
    for match in (first, second):
        play_to(match, "first_half")
    open_following(page, f"{server.url}/competitions/{first.competition.pk}/matchdays/2/")
    home_team, home_scorer = shirt(first, "home")
    away_team, away_scorer = shirt(second, "away")
    publish(match=first, kind=Entry.Kind.GOAL, minute=4, team=home_team, player=home_scorer)
    expect(score(page, first)).to_have_text("1–0")

    server.stop()  # the socket drops; the round goes on
    expect(page.locator("#live-status")).not_to_have_attribute("data-state", "live")
    publish(match=second, kind=Entry.Kind.GOAL, minute=6, team=away_team, player=away_scorer)
    publish(match=first, text="Una riga di cronaca che non cambia i risultati")
    publish(match=first, kind=Entry.Kind.GOAL, minute=8, team=home_team, player=home_scorer)
    server.start()

    expect(page.locator("#live-status")).to_have_attribute("data-state", "live", timeout=20_000)
    expect(score(page, first)).to_have_text("2–0")
    expect(score(page, second)).to_have_text("0–1")
    expect(page.locator("#round-blog li")).to_have_count(3)
    # newest first, each once, with the score as it stood then
    expect(page.locator("#round-blog li .key-line__score")).to_have_text(["2–0", "0–1", "1–0"])
    publish(match=second, kind=Entry.Kind.HALF_TIME)
    expect(page.locator("#round-blog li")).to_have_count(4)
    expect(page.locator(f"#card-{second.pk}")).to_contain_text("Intervallo")


def test_a_match_pages_live_table_moves_with_the_other_matches_goals(page, server):
    first, second = make_round()
    for match in (first, second):
        play_to(match, "first_half")
    open_following_match = f"{server.url}{second.get_absolute_url()}"
    page.goto(open_following_match)
    expect(page.locator("#live-status")).to_have_attribute("data-state", "live", timeout=10_000)
    page.locator(".table-panel > summary").click()
    scorers, scorer = shirt(first, "home")
    own, own_scorer = shirt(second, "home")
    expect(points(page, scorers)).to_have_text("1")  # matchday 1 lost; its match 0–0 as it stands
    expect(points(page, own)).to_have_text("1")
    page.wait_for_timeout(500)  # the panel's round socket is open

    publish(match=first, kind=Entry.Kind.GOAL, minute=3, team=scorers, player=scorer)  # another match
    expect(points(page, scorers)).to_have_text("3")
    publish(match=second, kind=Entry.Kind.GOAL, minute=5, team=own, player=own_scorer)  # this match
    expect(points(page, own)).to_have_text("3")
    expect(points(page, scorers)).to_have_text("3")  # the newer table kept both goals
