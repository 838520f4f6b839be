"""The pitches on the match page: in every common formation, on a phone and on a laptop, no two players'
labels (shirt-number markers and names) meet or leave the pitch, and the names stay readable: 11 px at least
on a phone, whole on a laptop; on a phone a single word wider than a player's share of a line of five may end
in an ellipsis, most of it still shown."""

import pytest
from playwright.sync_api import expect

from matches.models import LineupEntry, Player
from tests.conftest import make_match, make_team
from tests.e2e.conftest import csp_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = {"phone": (390, 844), "laptop": (1366, 768)}
FORMATIONS = ["4-3-3", "4-4-2", "4-2-3-1", "3-5-2", "3-4-2-1", "5-3-2", "4-1-4-1"]
# Team sheets as they are published: the goalkeeper, then the lines from defence to attack, the long names
# side by side, so that every formation puts several of them in one line: (shirt, name, name shown)
MILAN = [
    (16, "Mike Maignan", "Maignan"),
    (2, "Davide Calabria", "Calabria"),
    (23, "Fikayo Tomori", "Tomori"),
    (46, "Matteo Gabbia", "Gabbia"),
    (19, "Theo Bernard François Hernández", "Theo Hernández"),
    (8, "Ruben Loftus-Cheek", "Loftus-Cheek"),
    (14, "Tijjani Reijnders", "Reijnders"),
    (4, "Ismaël Bennacer", "Bennacer"),
    (11, "Christian Pulisic", "Pulisic"),
    (10, "Rafael Leão", "Leão"),
    (9, "Olivier Giroud", "Giroud"),
]
ATALANTA = [
    (29, "Marco Carnesecchi", "Carnesecchi"),
    (77, "Davide Zappacosta", "Zappacosta"),
    (42, "Giorgio Scalvini", "Scalvini"),
    (19, "Berat Djimsiti", "Djimsiti"),
    (23, "Sead Kolašinac", "Kolašinac"),
    (22, "Matteo Ruggeri", "Ruggeri"),
    (7, "Teun Koopmeiners", "Koopmeiners"),
    (15, "Marten de Roon", "De Roon"),
    (59, "Aleksey Miranchuk", "Miranchuk"),
    (17, "Charles De Ketelaere", "De Ketelaere"),
    (90, "Gianluca Scamacca", "Scamacca"),
]


def team_with(name: str, colour: str, sheet: list[tuple[int, str, str]]):
    team = make_team(name, players=0, primary_colour=colour)
    Player.objects.bulk_create(
        Player(team=team, name=full_name, known_as=shown, shirt_number=number)
        for number, full_name, shown in sheet
    )
    return team


def match_in(formation: str, home: tuple, away: tuple):
    """Both teams (team, sheet) in `formation`, their XIs in the order of their team sheets."""
    match = make_match(
        home_team=home[0],
        away_team=away[0],
        home_formation=formation,
        away_formation=formation,
        with_lineups=False,
    )
    for team, sheet in (home, away):
        players = {p.shirt_number: p for p in team.players.all()}
        LineupEntry.objects.bulk_create(
            LineupEntry(match=match, team=team, player=players[number], role="starter", order=order)
            for order, (number, _, _) in enumerate(sheet, 1)
        )
    return match


def overlaps(a: dict, b: dict, tolerance: float = 0.5) -> bool:
    return (
        a["x"] + tolerance < b["x"] + b["width"]
        and b["x"] + tolerance < a["x"] + a["width"]
        and a["y"] + tolerance < b["y"] + b["height"]
        and b["y"] + tolerance < a["y"] + a["height"]
    )


def inside(box: dict, frame: dict, tolerance: float = 0.5) -> bool:
    return (
        box["x"] >= frame["x"] - tolerance
        and box["y"] >= frame["y"] - tolerance
        and box["x"] + box["width"] <= frame["x"] + frame["width"] + tolerance
        and box["y"] + box["height"] <= frame["y"] + frame["height"] + tolerance
    )


# each name: its text, its font size, and how much of it shows (1: whole; less: cut by its ellipsis or clamp)
NAMES = """names => names.map(n => ({
    text: n.textContent,
    size: parseFloat(getComputedStyle(n).fontSize),
    shown: Math.min(1, n.clientWidth / n.scrollWidth, n.clientHeight / n.scrollHeight),
}))"""


@pytest.mark.parametrize("screen", sorted(SCREENS))
def test_pitch_labels_never_meet_and_stay_readable(browser, server, screen):
    width, height = SCREENS[screen]
    home = team_with("Milan", "#d2001f", MILAN), MILAN
    away = team_with("Atalanta", "#1e5aa8", ATALANTA), ATALANTA
    matches = {formation: match_in(formation, home, away) for formation in FORMATIONS}
    sheets = {side: [shown for _, _, shown in sheet] for side, (_, sheet) in (("home", home), ("away", away))}
    context = browser.new_context(
        viewport={"width": width, "height": height}, is_mobile=screen == "phone", locale="it-IT"
    )
    page = context.new_page()
    blocked = csp_violations(page)
    problems = []
    for formation, match in matches.items():
        page.goto(f"{server.url}/matches/{match.pk}/")
        page.locator(".pitch-panel > summary").click()
        pitches = page.locator("#pitches .pitch__field")
        expect(pitches.first).to_be_visible()
        expect(pitches).to_have_count(2)
        for side, pitch in zip(("home", "away"), pitches.all(), strict=True):
            where = f"{formation}, {side}, {width}×{height}"
            field = pitch.bounding_box()
            labels = [
                (label.text_content().strip(), label.bounding_box())
                for label in pitch.locator(".pitch__marker, .pitch__name").all()
            ]
            for n, (text, box) in enumerate(labels):
                if not inside(box, field):
                    problems.append(f"{where}: {text!r} leaves the pitch ({box}, pitch {field})")
                for other, other_box in labels[n + 1 :]:
                    if overlaps(box, other_box):
                        problems.append(f"{where}: {text!r} meets {other!r} ({box} / {other_box})")
            names = pitch.locator(".pitch__name").evaluate_all(NAMES)
            assert sorted(name["text"] for name in names) == sorted(sheets[side]), where
            for name in names:
                if screen == "phone" and name["size"] < 11:
                    problems.append(f"{where}: {name['text']!r} is {name['size']} px")
                if name["shown"] < (1 if screen == "laptop" else 0.85):
                    problems.append(f"{where}: only {name['shown']:.0%} of {name['text']!r} shows")
    context.close()
    assert problems == [], "\n".join(problems)
    assert blocked == []
