"""A fan's page in Chromium against a real server: it follows the match by itself."""

import re

import pytest
from playwright.sync_api import expect

from commentary.domain import services
from commentary.models import Entry
from tests.conftest import make_match, play_to, player, publish
from tests.e2e.conftest import AdminClient

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_live(page, server, match):
    page.goto(f"{server.url}/matches/{match.pk}/")
    expect(page.locator("#live-status")).to_have_attribute("data-state", "live", timeout=10_000)


def feed_texts(page):
    return page.locator("#feed .entry__text").all_inner_texts()


def test_fan_page_receives_entries_and_the_score_moves(page, server, editor):
    match = make_match()
    publish(match=match, kind=Entry.Kind.KICK_OFF, text="Si parte!")
    open_live(page, server, match)
    expect(page.locator("#scoreboard [data-score=home]")).to_have_text("0")

    # an editor publishing through the server the fan is connected to (HTTP → service → hub → socket)
    AdminClient(server.url, "editor", "x-Secret-123").publish(match, "Prima azione pericolosa")
    expect(page.locator("#feed article").first).to_contain_text("Prima azione pericolosa")

    # and a write from another process (here, the test's), which the hub's database poll brings

    publish(
        match=match,
        kind=Entry.Kind.GOAL,
        minute=3,
        team=match.home_team,
        player=player(match.home_team, 10),
        text="Destro sul secondo palo!",
    )
    expect(page.locator("#scoreboard [data-score=home]")).to_have_text("1")
    expect(page.locator("#scoreboard")).to_contain_text("G10-")
    assert page.locator("#feed article").count() == 3
    # the newest is on top and was announced to screen readers
    expect(page.locator("#feed article").first).to_have_class(re.compile("entry--goal"))
    expect(page.locator("#announcer")).to_contain_text("Destro sul secondo palo")


def test_edit_and_delete_reach_the_fan(page, server):
    match = make_match()
    entry = publish(match=match, text="Testo con un refuso")
    open_live(page, server, match)
    services.entry_update(entry=entry, text="Testo corretto")
    expect(page.locator(f"#entry-{entry.pk}")).to_contain_text("Testo corretto")
    services.entry_delete(entry=entry)
    expect(page.locator(f"#entry-{entry.pk}")).to_have_count(0)


def test_offline_page_catches_up_once_and_in_order(page, server):
    match = make_match()
    publish(match=match, text="Prima della disconnessione")
    open_live(page, server, match)
    server.kill()  # the fan's connection drops, as on a flaky mobile network
    expect(page.locator("#live-status")).to_have_attribute("data-state", "reconnecting", timeout=5_000)
    for text in ("Uno mentre eri via", "Due mentre eri via", "Tre mentre eri via"):
        publish(match=match, text=text)
    server.start()
    expect(page.locator("#live-status")).to_have_attribute("data-state", "live", timeout=15_000)
    expect(page.locator("#feed article")).to_have_count(4, timeout=5_000)
    assert feed_texts(page) == [
        "Tre mentre eri via",
        "Due mentre eri via",
        "Uno mentre eri via",
        "Prima della disconnessione",
    ]


def test_browser_offline_then_online_shows_missed_entries_once(page, server):
    match = make_match()
    open_live(page, server, match)
    page.context.set_offline(True)
    for text in ("Primo", "Secondo", "Terzo"):
        publish(match=match, text=text)
    page.context.set_offline(False)
    expect(page.locator("#feed article")).to_have_count(3, timeout=10_000)
    page.wait_for_timeout(1_000)  # anything duplicated would have arrived by now
    assert feed_texts(page) == ["Terzo", "Secondo", "Primo"]


def test_scrolled_reader_is_not_moved_and_gets_a_new_updates_button(page, server):
    match = make_match()
    for i in range(25):
        publish(match=match, text=f"Voce di riempimento numero {i} " + "bla " * 30)
    page.set_viewport_size({"width": 400, "height": 700})
    open_live(page, server, match)
    page.mouse.wheel(0, 2500)
    page.wait_for_timeout(300)
    anchor = page.locator("#" + page.locator("#feed article").nth(12).get_attribute("id"))
    before = anchor.bounding_box()["y"]
    publish(match=match, text="Novità mentre leggi")
    publish(match=match, text="Altra novità")
    button = page.locator("#new-updates")
    expect(button).to_be_visible()
    expect(button).to_contain_text("2")
    expect(page).to_have_title(re.compile(r"^\(2\) "))
    assert abs(anchor.bounding_box()["y"] - before) < 2
    button.click()
    expect(page.locator("#feed article").first).to_contain_text("Altra novità")
    expect(page.locator("#feed article").first).to_be_in_viewport()
    expect(button).to_be_hidden()
    assert not page.title().startswith("(")


def test_oldest_first_reader_gets_new_entries_at_the_bottom(page, server):
    match = make_match()
    publish(match=match, text="La prima")
    page.goto(f"{server.url}/matches/{match.pk}/?order=oldest")
    expect(page.locator("#live-status")).to_have_attribute("data-state", "live", timeout=10_000)
    publish(match=match, text="L'ultima")
    expect(page.locator("#feed article").last).to_contain_text("L'ultima")


def test_finished_match_page_opens_no_socket(page, server):
    match = make_match()
    for kind in (Entry.Kind.KICK_OFF, Entry.Kind.HALF_TIME, Entry.Kind.SECOND_HALF, Entry.Kind.FULL_TIME):
        publish(match=match, kind=kind)
    sockets = []
    page.on("websocket", lambda ws: sockets.append(ws))
    page.goto(f"{server.url}/matches/{match.pk}/")
    page.wait_for_timeout(500)
    assert sockets == []
    expect(page.locator("#scoreboard")).to_contain_text("Finale")


def test_line_ups_pitch_bookings_and_cards_change_live(page, server):
    match = make_match(home_formation="4-3-3", away_formation="4-4-2")
    play_to(match, "first_half")
    open_live(page, server, match)
    page.locator(".pitch-panel summary").click()
    booked, sent_off = player(match.away_team, 5), player(match.away_team, 6)
    off, on = player(match.home_team, 9), player(match.home_team, 12)
    publish(match=match, kind=Entry.Kind.YELLOW_CARD, minute=10, team=match.away_team, player=booked)
    publish(match=match, kind=Entry.Kind.RED_CARD, minute=30, team=match.away_team, player=sent_off)
    publish(
        match=match, kind=Entry.Kind.SUBSTITUTION, minute=40, team=match.home_team, player=off, player2=on
    )

    row = page.locator("#lineups .lineup__player", has_text=booked.display_name)
    expect(row.locator(".mark--yellow_card")).to_contain_text("10′")
    expect(
        page.locator("#lineups .lineup__player", has_text=on.display_name).locator(".mark--on")
    ).to_be_visible()
    expect(page.locator("#pitches .pitch__off").first).to_contain_text("40′")
    expect(page.locator("#facts")).to_contain_text(
        f"{booked.display_name} ({match.away_team.short_name}) 10′"
    )
    expect(page.locator("#facts")).to_contain_text(
        f"{sent_off.display_name} ({match.away_team.short_name}) 30′"
    )
    expect(page.locator("#scoreboard .scoreboard__red")).to_contain_text(sent_off.display_name)


def test_a_permalink_to_an_old_entry_of_a_long_match_opens_at_it(page, server):
    from django.utils import timezone

    match = play_to(make_match(), "second_half")
    start = timezone.now()
    Entry.objects.bulk_create(
        Entry(match=match, period="second_half", minute=50, text=f"Voce {i}", created_at=start)
        for i in range(150)
    )
    old = match.entries.get(text="Voce 2")
    page.goto(f"{server.url}/matches/{match.pk}/#entry-{old.pk}")
    expect(page.locator(f"#entry-{old.pk}")).to_be_in_viewport()
    assert f"entry={old.pk}" in page.url


def test_a_clip_from_another_site_fetches_nothing_from_it_until_the_reader_clicks(page, server):
    match = make_match()
    publish(match=match, text="Da un'altra angolazione: https://youtu.be/dQw4w9WgXcQ")
    elsewhere = []

    def record(route):  # every request that leaves this server, from the page or any frame
        elsewhere.append(route.request.url)
        route.abort()

    page.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/])"), record)
    page.goto(f"{server.url}/matches/{match.pk}/")
    page.wait_for_load_state("networkidle")
    expect(page.get_by_text("Contenuto da YouTube")).to_be_visible()
    assert elsewhere == []
    page.get_by_role("button", name="Carica da YouTube").click()
    expect(page.locator("iframe.embed__frame")).to_have_attribute(
        "src", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
    )
    page.wait_for_timeout(500)
    assert elsewhere and all(url.startswith("https://www.youtube-nocookie.com/") for url in elsewhere)


def test_a_finished_match_relived_without_spoilers(page, server, demo_match):
    page.goto(f"{server.url}/matches/{demo_match.pk}/relive/")
    board = page.locator("#relive-board")
    expect(board.locator("[data-relive-score]")).to_have_text("0–0")
    assert "1–1" not in page.locator("body").inner_text()  # nothing visible says how it ends
    assert "1–1" not in page.title()
    following = page.get_by_role("button", name="Prossimo evento")
    following.click()  # the first key event: Leão's goal
    expect(board.locator("[data-relive-score]")).to_have_text("1–0")
    assert "1–1" not in page.locator("body").inner_text()
    page.locator("[data-relive-speed]").select_option("600")
    page.get_by_role("button", name="Avvia").click()
    expect(board.locator("[data-relive-score]")).to_have_text("1–1", timeout=60_000)
    expect(page.locator("[data-relive-end]")).to_be_visible(timeout=60_000)
    assert page.locator("#feed .relive-step:not([hidden])").count() == demo_match.entries.count()
