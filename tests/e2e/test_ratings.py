"""Pagelle in two browsers against a real server and a real task worker: a reader's vote moves the average
another reader sees, live; voting again is refused with a message."""

import pytest
from playwright.sync_api import expect

from commentary.domain import ratings
from tests.conftest import make_match, play_to, player, publish
from tests.e2e.test_scheduled import stop, worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_vote_moves_the_average_in_another_browser_and_a_second_vote_is_refused(browser, server):
    match = play_to(make_match(), "second_half")
    publish(match=match, kind="full_time")
    match.refresh_from_db()
    nine = player(match.home_team, 9)
    ratings.marks_publish(match=match, marks={nine.pk: ("6.5", "Tanta corsa")}, editor=None)
    workers = [worker()]
    try:
        first, second = browser.new_context(locale="it-IT"), browser.new_context(locale="it-IT")
        voter, watcher = first.new_page(), second.new_page()
        for page in (voter, watcher):
            page.goto(f"{server.url}/matches/{match.pk}/")
            expect(page.locator("#live-status")).to_have_attribute("data-state", "live", timeout=10_000)
        row = voter.locator("#ratings tr", has_text=nine.display_name)
        row.locator("select").select_option("8")
        row.get_by_role("button", name="Vota").click()
        expect(row).to_contain_text("Grazie: hai dato 8")
        # the other reader's page, without reloading: the readers' average and count
        expect(watcher.locator(f"#rating-{nine.pk}")).to_contain_text("8", timeout=20_000)
        expect(watcher.locator(f"#rating-{nine.pk}")).to_contain_text("1 voto")
        voter.reload()
        row = voter.locator("#ratings tr", has_text=nine.display_name)
        row.get_by_role("button", name="Vota").click()
        expect(row).to_contain_text("Hai già votato")
        # flooding from one address: past the limit, 429 and a message (each vote from a browser of its own)
        url = f"{server.url}/matches/{match.pk}/ratings/{nine.pk}/vote/"
        answers = []
        for _ in range(ratings.VOTES_PER_MINUTE + 1):
            fresh = browser.new_context()
            response = fresh.request.post(url, form={"mark": "6"}, headers={"Origin": server.url})
            answers.append((response.status, response.text()))
            fresh.close()
        assert answers[-1][0] == 429 and "Troppi voti" in answers[-1][1]
        first.close()
        second.close()
    finally:
        stop(workers)
