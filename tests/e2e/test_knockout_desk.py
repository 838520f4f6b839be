"""The 2022 World Cup final played through the desk in a browser, as an editor would on the night, while a
fan watches: the team sheets pasted from a tabellino, the whistles, the six goals, the twelve substitutions,
extra time and the shoot-out kick by kick. Then the pages the fan and everyone after see: the scoreboard, the
report, the API and the feed."""

import json
import re

import pytest
from playwright.sync_api import expect

from commentary.models import Entry
from tests.e2e.conftest import csp_violations
from tests.e2e.test_desk import log_in, make_editor, send
from tests.worldcup import ARGENTINA, FRANCE, GOALS, SHOOTOUT, SUBSTITUTIONS, TABELLINO, final_2022

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHIRTS = {
    (code, known_as): number
    for code, sheet in (("ARG", ARGENTINA), ("FRA", FRANCE))
    for number, _name, known_as in sheet["starters"] + sheet["bench"]
}
TEAM = {"ARG": "Argentina", "FRA": "Francia"}
KIND_LABEL = {
    "goal": "Gol",
    "penalty_goal": "Gol su rigore",
    "penalty_saved": "Rigore parato",
    "penalty_missed": "Rigore sbagliato",
    "substitution": "Sostituzione",
}


class Desk:
    """The editor's hands on the desk: one method per thing they do, each waiting for the fan to see it."""

    def __init__(self, page, fan):
        self.page, self.fan, self.published = page, fan, 0

    def whistle(self, kind: str):
        self.page.locator(f"[data-clock-kind={kind}]").click()
        self._seen(kind)

    def event(self, kind, code, player, player2=None, minute=None, added=0):
        composer = self.page.locator("#composer")
        composer.get_by_role("radio", name=KIND_LABEL[kind], exact=True).check()
        composer.locator("#id_team").select_option(label=TEAM[code])
        composer.locator("#id_player").fill(str(SHIRTS[code, player]))
        if player2:
            composer.locator("#id_player2").fill(str(SHIRTS[code, player2]))
        if minute is not None:
            composer.locator("#id_minute").fill(str(minute))
            composer.locator("#id_added_minute").fill(str(added))
        composer.locator("#id_text").focus()
        send(self.page, "Control+Enter")
        self._seen(kind)

    def _seen(self, kind):
        self.published += 1
        expect(self.page.locator("#composer .errornote, #composer .errorlist")).to_have_count(0)
        expect(self.fan.locator("#feed article")).to_have_count(self.published, timeout=5_000)
        expect(self.fan.locator("#feed article").first).to_have_class(re.compile(f"entry--{kind}"))


def test_the_final_through_the_desk(browser, server):
    match = final_2022(with_lineups=False)
    make_editor("giulia")
    editor = browser.new_context(locale="it-IT", timezone_id="Europe/Rome")
    viewer = browser.new_context(locale="it-IT", timezone_id="Europe/Rome")
    page, fan = editor.new_page(), viewer.new_page()
    blocked = [csp_violations(page), csp_violations(fan)]
    log_in(page, server, "giulia")

    # the team sheets come from the tabellino pasted on the desk: preview, then confirm
    page.goto(f"{server.url}/admin/desk/{match.pk}/")
    page.get_by_role("link", name="Incolla il tabellino").click()
    page.locator("textarea[name=text]").fill(TABELLINO)
    page.locator("input[name=add_players]").check()  # the unused substitutes are in no squad yet
    page.locator("input[name=preview]").click()
    expect(page.locator(".errornote")).to_contain_text("6 nomi")  # Armani, Rulli, Foyth, Areola, …
    expect(page.locator("#content-main")).to_contain_text("Armani")
    page.locator("input[name=confirm]").click()
    expect(page.locator(".messagelist")).to_contain_text("Tabellino salvato.")
    assert match.lineup.count() == 2 * (11 + 6 + 3)
    assert match.entries.count() == 0  # the line-ups only: the editor tells the match live
    fan.goto(f"{server.url}/matches/{match.pk}/")
    expect(fan.locator("#live-status")).to_have_attribute("data-state", "live", timeout=10_000)
    desk = Desk(page, fan)

    def events(period):
        timed = [
            (m, a, "substitution", code, off, on) for p, m, a, code, off, on in SUBSTITUTIONS if p == period
        ]
        timed += [(m, a, kind, code, scorer, None) for p, m, a, code, scorer, kind in GOALS if p == period]
        for minute, added, kind, code, who, other in sorted(timed, key=lambda e: (e[0], e[1])):
            desk.event(kind, code, who, other, minute=minute, added=added)

    desk.whistle("kick_off")
    events("first_half")
    desk.whistle("half_time")
    expect(fan.locator("#scoreboard")).to_contain_text("Intervallo")
    desk.whistle("second_half")
    events("second_half")
    desk.whistle("extra_time")
    expect(fan.locator("#scoreboard")).to_contain_text("Primo supplementare")
    events("extra_first_half")
    desk.whistle("extra_half_time")
    desk.whistle("extra_second_half")
    events("extra_second_half")
    expect(fan.locator("#scoreboard [data-score=home]")).to_have_text("3")
    expect(fan.locator("#scoreboard [data-score=away]")).to_have_text("3")
    desk.whistle("penalties")
    for code, taker, kind in SHOOTOUT:
        desk.event(kind, code, taker)
    desk.whistle("full_time")

    # the fan saw it live: the score is the goals', the kicks are a strip of their own
    board = fan.locator("#scoreboard")
    expect(board.locator("[data-score=home]")).to_have_text("3")
    expect(board.locator("[data-score=away]")).to_have_text("3")
    expect(board).to_contain_text("d.t.s., 4–2 d.c.r.")
    expect(board.locator(".shootout__kicks--home")).to_contain_text("●")
    expect(board.locator(".shootout__kicks--home")).not_to_contain_text("○")  # Argentina scored all four
    expect(board.locator(".shootout__kicks--away")).to_contain_text("○")
    match.refresh_from_db()
    assert (match.home_score, match.away_score, match.home_penalties, match.away_penalties) == (3, 3, 4, 2)
    assert match.entries.filter(kind__in=Entry.SHOOTOUT_KINDS, period="penalties").count() == 8

    # the report, for everyone who comes later
    report = viewer.new_page()
    report.goto(f"{server.url}/matches/{match.pk}/")
    expect(report).to_have_title(re.compile(r"^Argentina 3–3 Francia \(d\.t\.s\., 4–2 d\.c\.r\.\)"))
    expect(report.locator("#scoreboard")).to_contain_text("Messi 108′")
    expect(report.locator("#scoreboard")).to_contain_text("Mbappé 118′")
    expect(report.locator(".shootout__kicks--away")).to_contain_text("○")

    # the API and the feed tell the same decision
    api = json.loads(report.request.get(f"{server.url}/api/matches/{match.pk}/").text())
    assert api["score"]["line"] == "3–3 d.t.s., 4–2 d.c.r."
    assert api["score"]["penalties"] == {"home": 4, "away": 2}
    assert [k["scored"] for k in api["shootout"]["home"]] == [True, True, True, True]
    feed = report.request.get(f"{server.url}/competitions/{match.competition.pk}/feed/").text()
    assert "<title>Argentina 3–3 Francia (d.t.s., 4–2 d.c.r.)</title>" in feed

    editor.close()
    viewer.close()
    assert blocked == [[], []], "the desk or the fan page did something their Content Security Policy forbids"
