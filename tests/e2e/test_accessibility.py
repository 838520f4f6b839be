"""Accessibility in Chromium: axe-core audits every kind of page; a fan follows a match by keyboard alone."""

import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from commentary.domain import services
from commentary.models import Entry
from tests.conftest import make_match, player, publish
from tests.e2e.test_desk import log_in, make_editor, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What fails the test; moderate and minor findings are printed. The desk is audited whole, Django admin's own
# markup around it included: nothing there needs leaving out (our CSS had been spoiling its contrast).
BLOCKING = ("serious", "critical")


def live_match():
    match = make_match()
    publish(match=match, kind=Entry.Kind.KICK_OFF, text="Si parte!")
    goal = publish(
        match=match,
        kind=Entry.Kind.GOAL,
        minute=7,
        team=match.home_team,
        player=player(match.home_team, 10),
        player2=player(match.home_team, 7),
        text="Destro sul secondo palo!",
    )
    publish(
        match=match,
        kind=Entry.Kind.YELLOW_CARD,
        minute=12,
        team=match.away_team,
        player=player(match.away_team, 5),
    )
    publish(match=match, minute=15, text="Ritmi alti, <b>Squadra</b> in controllo.")
    services.entry_pin(entry=goal, pinned=True)
    return match


def audit(page) -> list[dict]:
    """Run axe-core on the page as it is now; print every violation, return the serious and critical ones."""
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    for v in violations:
        targets = ", ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        print(f"[{v['impact']}] {v['id']}: {v['help']} ({len(v['nodes'])}× e.g. {targets})")
    return [v for v in violations if v["impact"] in BLOCKING]


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['impact']} {v['id']}: {v['help']} — {v['helpUrl']}")
        for node in v["nodes"]:
            lines.append(f"    {' '.join(node['target'])}: {node['failureSummary']}".replace("\n", " "))
    return "\n".join(lines)


def assert_accessible(page):
    blocking = audit(page)
    assert blocking == [], f"{page.url}: axe found serious or critical violations:\n{describe(blocking)}"


def wait_live(page):
    expect(page.locator("#live-status")).to_have_attribute("data-state", "live", timeout=10_000)


def test_match_list_is_accessible(page, server, demo_match):
    live_match()
    make_match()
    page.goto(f"{server.url}/")
    assert_accessible(page)


def test_live_match_page_is_accessible(page, server):
    match = live_match()
    page.goto(f"{server.url}/matches/{match.pk}/")
    wait_live(page)
    assert_accessible(page)


def test_finished_report_is_accessible(page, server, demo_match):
    report = demo_match
    page.goto(f"{server.url}/matches/{report.pk}/")
    expect(page.locator("#scoreboard")).to_contain_text("Finale")
    assert_accessible(page)


def test_english_report_is_accessible(page, server, demo_match):
    report = demo_match
    page.goto(f"{server.url}/en/matches/{report.pk}/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert_accessible(page)


def test_embed_is_accessible(page, server):
    match = live_match()
    page.goto(f"{server.url}/matches/{match.pk}/embed/")
    wait_live(page)
    assert_accessible(page)


def test_season_pages_are_accessible(page, server, demo_match):
    report = demo_match
    call_command("import_football_json", "matches/data/openfootball/it.1.json", stdout=io.StringIO())
    for path in (
        f"/competitions/{report.competition_id}/",
        f"/competitions/{report.competition_id}/matchdays/{report.matchday}/",
        f"/teams/{report.home_team_id}/",
        "/competitions/",
        "/search/?q=milan",
    ):
        page.goto(server.url + path)
        assert_accessible(page)


# Django's admin follows the editor's system theme: the desk's own colours must hold on both.
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_desk_is_accessible(page, server, scheme):
    page.emulate_media(color_scheme=scheme)
    match = live_match()
    make_editor("giulia")
    log_in(page, server, "giulia")
    page.goto(f"{server.url}/admin/desk/{match.pk}/")
    wait_live(page)
    expect(page.locator("#feed .desk-tools").first).to_be_visible()
    assert_accessible(page)


def focused(page) -> str:
    return page.evaluate("() => document.activeElement.outerHTML.slice(0, 120)")


def tab_and_press_enter(page, selector: str):
    """Tab to `selector`, check the focus can be seen, and activate it with Enter."""
    tab_to(page, selector)
    outline = page.locator(selector).evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline != "none", f"no visible focus on {selector}"
    page.keyboard.press("Enter")


def test_fan_page_works_with_the_keyboard_alone(page, server):
    match = live_match()
    goal = Entry.objects.get(match=match, kind=Entry.Kind.GOAL)
    page.goto(f"{server.url}/matches/{match.pk}/")
    wait_live(page)

    # the skip link is the first stop, and Enter puts the focus on the content, past the header
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    expect(page.locator(".skip-link")).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    page.keyboard.press("Tab")
    in_main = page.evaluate("() => document.querySelector('main').contains(document.activeElement)")
    assert in_main, focused(page)

    # the order toggle: oldest first
    tab_and_press_enter(page, ".blog__tools a[href*='order=oldest']")
    expect(page).to_have_url(re.compile(r"\?order=oldest$"))
    wait_live(page)
    expect(page.locator("#feed")).to_have_attribute("data-order", "oldest")
    expect(page.locator("#feed article").first).to_have_class(re.compile("entry--kick_off"))

    # the key-events filter keeps the order and drops plain commentary
    tab_and_press_enter(page, ".blog__tools a[href*='filter=key']")
    expect(page).to_have_url(re.compile(r"\?order=oldest&filter=key$"))
    wait_live(page)
    expect(page.locator("#feed")).to_have_attribute("data-filter", "key")
    expect(page.locator("#feed article.entry--commentary")).to_be_hidden()
    expect(page.locator(f"#entry-{goal.pk}")).to_be_visible()

    # an entry's permalink: its address, and the entry is the page's target, in view
    page.set_viewport_size({"width": 400, "height": 500})
    tab_and_press_enter(page, f"#entry-{goal.pk} .entry__link")
    expect(page).to_have_url(re.compile(rf"#entry-{goal.pk}$"))
    assert page.evaluate("() => document.querySelector(':target').id") == f"entry-{goal.pk}"
    expect(page.locator(f"#entry-{goal.pk}")).to_be_in_viewport()
