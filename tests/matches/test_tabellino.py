import pytest
from django.core.exceptions import ValidationError

from matches.models import LineupEntry, Match, Player
from matches.names import fold
from matches.services import tabellino_apply
from matches.tabellino.parse import TabellinoError, parse_tabellino
from matches.tabellino.resolve import tabellino_resolve
from tests.conftest import make_match, make_team

# The last lines of the seed report (shared/seed/milan-atalanta-2024-02-25.txt), as published.
SEED = """Highlights e Video Gol di Milan-Atalanta 1-1

Il Tabellino di Milan-Atalanta 1-1

Milan (4-2-3-1): Maignan; Florenzi (57′ Calabria), Thiaw, Gabbia, Hernandez; Bennacer (79′ Musah), Adli; \
Pulisic (88′ Okafor), Loftus-Cheek, Leao; Giroud. Allenatore: Pioli

Atalanta (3-4-2-1): Carnesecchi; Scalvini (89′ Toloi), Djimsiti, Kolasinac; Holm (46′ Zappacosta), De Roon, \
Ederson, Ruggeri (79′ Hien); Koopmeiners, Miranchuk (63′ Scamacca); De Ketelaere (46′ Lookman). \
Allenatore: Gasperini

Marcatori: 3′ Leao e 42′ rig. Koopmeiners

Arbitro: Orsato

Ammoniti: De Roon, Holm, Leao, Lookman ed Ederson
"""

MILAN_XI = [
    "Maignan",
    "Florenzi",
    "Thiaw",
    "Gabbia",
    "Hernandez",
    "Bennacer",
    "Adli",
    "Pulisic",
    "Loftus-Cheek",
    "Leao",
    "Giroud",
]
ATALANTA_XI = [
    "Carnesecchi",
    "Scalvini",
    "Djimsiti",
    "Kolasinac",
    "Holm",
    "De Roon",
    "Ederson",
    "Ruggeri",
    "Koopmeiners",
    "Miranchuk",
    "De Ketelaere",
]

ENGLAND_SPAIN = (
    "England (4-2-3-1): Pickford; Walker, Stones, Guehi, Shaw; Rice (74' Henderson, 120' Rashford), Mainoo; "
    "Saka, Bellingham, Foden (89' Watkins); Kane (61' Palmer). Coach: Southgate\n"
    "Spain (4-2-3-1): Simon; Carvajal, Le Normand (83' Nacho), Laporte, Cucurella; Rodri (46' Zubimendi), "
    "Ruiz; Yamal (89' Merino), Olmo, Williams; Morata (68' Oyarzabal). Coach: de la Fuente\n"
    "Goals: 47' Williams, 73' Palmer and 86' Oyarzabal\n"
    "Referee: Letexier\n"
    "Booked: Kane, Olmo, Watkins and Stones\n"
    "Sent off: none\n"
)


# Two made-up squads, by shirt number from 1: two_teams() fields the first eleven, the rest can come on.
HOME_NAMES = [
    "Abate",
    "Bonera",
    "Conti",
    "Dida",
    "Emerson",
    "Falcao",
    "Gattuso",
    "Hamsik",
    "Inzaghi",
    "Jankulovski",
    "Kaka",
    "Lazio",
    "Montella",
    "Nocerino",
    "Ogbonna",
    "Pato",
]
AWAY_NAMES = [
    "Abbiati",
    "Baresi",
    "Costacurta",
    "Donadoni",
    "Evani",
    "Filippi",
    "Galli",
    "Herrera",
    "Iuliano",
    "Juric",
    "Krol",
    "Lentini",
    "Massaro",
    "Nava",
    "Orlando",
    "Papin",
]


def two_teams(home_extra: str = "", away_extra: str = "", rest: str = "") -> str:
    """A short but complete tabellino, with room for the bit a test is about."""
    return (
        "Casa (4-4-2): Abate; Bonera, Conti, Dida, Emerson; Falcao, Gattuso, Hamsik, Inzaghi; Jankulovski, "
        f"Kaka{home_extra}. All. Uno\n"
        "Ospiti (4-3-3): Abbiati; Baresi, Costacurta, Donadoni, Evani; Filippi, Galli, Herrera; Iuliano, "
        f"Juric, Krol{away_extra}. All. Due\n"
        f"{rest}"
    )


# --- Parsing the seed --------------------------------------------------------------------------------------


def test_seed_teams_formations_and_coaches():
    tabellino = parse_tabellino(SEED)
    milan, atalanta = tabellino.teams
    assert (milan.name, milan.formation, milan.coach) == ("Milan", "4-2-3-1", "Pioli")
    assert (atalanta.name, atalanta.formation, atalanta.coach) == ("Atalanta", "3-4-2-1", "Gasperini")


def test_seed_starters_are_eleven_each_in_order():
    milan, atalanta = parse_tabellino(SEED).teams
    assert list(milan.starters) == MILAN_XI
    assert list(atalanta.starters) == ATALANTA_XI


def test_seed_substitutions_in_order_of_coming_on():
    milan, atalanta = parse_tabellino(SEED).teams
    assert [(s.minute, s.added, s.off, s.on) for s in milan.substitutions] == [
        (57, 0, "Florenzi", "Calabria"),
        (79, 0, "Bennacer", "Musah"),
        (88, 0, "Pulisic", "Okafor"),
    ]
    assert [(s.minute, s.added, s.off, s.on) for s in atalanta.substitutions] == [
        (46, 0, "Holm", "Zappacosta"),
        (46, 0, "De Ketelaere", "Lookman"),
        (63, 0, "Miranchuk", "Scamacca"),
        (79, 0, "Ruggeri", "Hien"),
        (89, 0, "Scalvini", "Toloi"),
    ]


def test_seed_scorers_referee_and_bookings():
    tabellino = parse_tabellino(SEED)
    assert tabellino.as_dict()["scorers"] == [
        {"minute": 3, "added": 0, "player": "Leao", "penalty": False, "own_goal": False},
        {"minute": 42, "added": 0, "player": "Koopmeiners", "penalty": True, "own_goal": False},
    ]
    assert tabellino.referee == "Orsato"
    assert [card.player for card in tabellino.booked] == ["De Roon", "Holm", "Leao", "Lookman", "Ederson"]
    assert tabellino.sent_off == ()


def test_seed_title_lines_are_skipped_without_warnings():
    assert parse_tabellino(SEED).warnings == ()


def test_as_dict_has_exactly_the_documented_structure():
    data = parse_tabellino(SEED).as_dict()
    assert list(data) == ["teams", "scorers", "referee", "booked", "sent_off", "shootout", "extra_time"]
    assert list(data["teams"][0]) == ["name", "formation", "coach", "starters", "substitutions", "bench"]
    assert data["teams"][0]["substitutions"][0] == {
        "minute": 57,
        "added": 0,
        "off": "Florenzi",
        "on": "Calabria",
    }
    assert list(data["scorers"][0]) == ["minute", "added", "player", "penalty", "own_goal"]


def test_the_whole_report_parses_like_its_tabellino():
    report = "Video Gol e Highlights Milan-Atalanta 1-1: i rossoneri meritavano i tre punti.\n\n" * 3 + SEED
    assert parse_tabellino(report).as_dict() == parse_tabellino(SEED).as_dict()


# --- Variants ----------------------------------------------------------------------------------------------


def test_english_labels():
    tabellino = parse_tabellino(ENGLAND_SPAIN)
    england, spain = tabellino.teams
    assert (england.coach, spain.coach) == ("Southgate", "de la Fuente")
    assert [(g.minute, g.player) for g in tabellino.scorers] == [
        (47, "Williams"),
        (73, "Palmer"),
        (86, "Oyarzabal"),
    ]
    assert tabellino.referee == "Letexier"
    assert [card.player for card in tabellino.booked] == ["Kane", "Olmo", "Watkins", "Stones"]
    assert tabellino.sent_off == ()
    assert tabellino.warnings == ()


def test_chained_substitutions_replace_the_player_who_came_on():
    england, _ = parse_tabellino(ENGLAND_SPAIN).teams
    assert [(s.minute, s.off, s.on) for s in england.substitutions] == [
        (61, "Kane", "Palmer"),
        (74, "Rice", "Henderson"),
        (89, "Foden", "Watkins"),
        (120, "Henderson", "Rashford"),
    ]
    assert "Henderson" not in england.starters


def test_all_abbreviation_and_apostrophe_minutes():
    home, away = parse_tabellino(two_teams(home_extra=" (70' Montella)", away_extra=" (80’ Massaro)")).teams
    assert (home.coach, away.coach) == ("Uno", "Due")
    assert [(s.minute, s.off, s.on) for s in home.substitutions] == [(70, "Kaka", "Montella")]
    assert [(s.minute, s.off, s.on) for s in away.substitutions] == [(80, "Krol", "Massaro")]


def test_added_time_minutes():
    tabellino = parse_tabellino(two_teams(home_extra=" (90+3′ Montella)", rest="Marcatori: 45+2′ Inzaghi\n"))
    (sub,) = tabellino.teams[0].substitutions
    assert (sub.minute, sub.added) == (90, 3)
    assert tabellino.as_dict()["scorers"] == [
        {"minute": 45, "added": 2, "player": "Inzaghi", "penalty": False, "own_goal": False}
    ]


@pytest.mark.parametrize(
    "written",
    ["12′ aut. Costacurta", "12' o.g. Costacurta", "Costacurta 12' (o.g.)", "12′ Costacurta (aut.)"],
)
def test_own_goal(written):
    (goal,) = parse_tabellino(two_teams(rest=f"Marcatori: {written}\n")).scorers
    assert (goal.minute, goal.player, goal.own_goal, goal.penalty) == (12, "Costacurta", True, False)


@pytest.mark.parametrize(
    "written", ["30′ rig. Inzaghi", "30' pen. Inzaghi", "Inzaghi 30' (pen.)", "30′ Inzaghi (rig.)"]
)
def test_penalty(written):
    (goal,) = parse_tabellino(two_teams(rest=f"Goals: {written}\n")).scorers
    assert (goal.minute, goal.player, goal.penalty, goal.own_goal) == (30, "Inzaghi", True, False)


def test_scorer_with_two_goals_written_name_first():
    tabellino = parse_tabellino(two_teams(rest="Goals: Inzaghi 10', 90+1' (pen.)\n"))
    assert [(g.minute, g.added, g.player, g.penalty) for g in tabellino.scorers] == [
        (10, 0, "Inzaghi", False),
        (90, 1, "Inzaghi", True),
    ]


def test_scorers_are_listed_in_match_order():
    tabellino = parse_tabellino(two_teams(rest="Marcatori: 50′ Iuliano; 20′ Inzaghi\n"))
    assert [g.player for g in tabellino.scorers] == ["Inzaghi", "Iuliano"]


def test_sent_off_with_and_without_minute():
    tabellino = parse_tabellino(two_teams(rest="Espulsi: 70′ Dida e Evani (doppia ammonizione)\n"))
    assert tabellino.as_dict()["sent_off"] == [
        {"minute": 70, "added": 0, "player": "Dida"},
        {"minute": None, "added": 0, "player": "Evani"},
    ]


def test_sent_off_english_label():
    tabellino = parse_tabellino(two_teams(rest="Sent off: 88' Baresi\n"))
    assert [(s.minute, s.player) for s in tabellino.sent_off] == [(88, "Baresi")]


@pytest.mark.parametrize("line", ["Ammoniti: nessuno", "Booked: none", "Ammoniti: Nessuno."])
def test_nobody_booked(line):
    assert parse_tabellino(two_teams(rest=f"{line}\n")).booked == ()


def test_windows_line_endings_extra_spaces_and_trailing_periods():
    text = SEED.replace("\n", "\r\n").replace(": ", ":   ").replace("Arbitro:   Orsato", "Arbitro: Orsato.  ")
    assert parse_tabellino(text).as_dict() == parse_tabellino(SEED).as_dict()


def test_team_lines_without_blank_lines_between():
    compact = "\n".join(line for line in SEED.splitlines() if line.strip())
    assert parse_tabellino(compact).as_dict() == parse_tabellino(SEED).as_dict()


def test_team_line_broken_over_two_lines_is_joined():
    text = SEED.replace("Thiaw, Gabbia, Hernandez;", "Thiaw,\nGabbia, Hernandez;")
    assert list(parse_tabellino(text).teams[0].starters) == MILAN_XI


def test_coach_on_a_line_of_his_own():
    text = SEED.replace(". Allenatore: Pioli", ".\nAllenatore: Pioli").replace(
        ". Allenatore: Gasperini", ".\nAll. Gasperini"
    )
    tabellino = parse_tabellino(text)
    assert [team.coach for team in tabellino.teams] == ["Pioli", "Gasperini"]
    assert tabellino.warnings == ()


def test_labels_on_one_line_and_captain_mark():
    text = two_teams(rest="Arbitro: Orsato. Ammoniti: Bonera, Baresi").replace("Abate;", "Abate (c);")
    tabellino = parse_tabellino(text)
    assert tabellino.teams[0].starters[0] == "Abate"
    assert tabellino.teams[0].substitutions == ()
    assert (tabellino.referee, [c.player for c in tabellino.booked]) == ("Orsato", ["Bonera", "Baresi"])


def test_unused_substitutes_are_not_starters():
    text = two_teams().replace(
        "Kaka. All. Uno", "Kaka. A disposizione: Montella, Nocerino, Ogbonna. All. Uno"
    )
    home, _ = parse_tabellino(text).teams
    assert home.starters[-1] == "Kaka"
    assert home.coach == "Uno"
    assert home.bench == ("Montella", "Nocerino", "Ogbonna")


def test_bench_after_the_coach_with_shirt_numbers_or_on_a_line_of_its_own():
    text = two_teams().replace("Kaka. All. Uno", "Kaka. All. Uno. A disposizione: 12 Rossi, 21 Pirlo")
    text = text.replace("Krol. All. Due\n", "Krol. All. Due\nPanchina: Tassotti, Albertini\n")
    tabellino = parse_tabellino(text)
    home, away = tabellino.teams
    assert (home.coach, home.bench) == ("Uno", ("Rossi", "Pirlo"))
    assert (away.coach, away.bench) == ("Due", ("Tassotti", "Albertini"))
    assert tabellino.warnings == ()


def test_cards_keep_their_minutes_and_are_in_match_order():
    tabellino = parse_tabellino(two_teams(rest="Ammoniti: 60′ Bonera, Baresi (20′), Dida\n"))
    assert tabellino.as_dict()["booked"] == [
        {"minute": 20, "added": 0, "player": "Baresi"},
        {"minute": 60, "added": 0, "player": "Bonera"},
        {"minute": None, "added": 0, "player": "Dida"},
    ]


@pytest.mark.parametrize(
    "line",
    [
        "Sequenza dei rigori: Abate (C) gol, Abbiati (O) parato, Bonera (C) fuori, Baresi (O) gol",
        "Rigori: Abate (Casa) sì, Abbiati (Ospiti) parato, Bonera (Casa) palo, Baresi (Ospiti) gol",
        "Penalties: Casa: Abate scored, Bonera missed; Ospiti: Abbiati saved, Baresi scored",
        "Shoot-out: Abate ✓, Abbiati (saved), Bonera ✗, Baresi ✓",
    ],
)
def test_shoot_out_kick_by_kick_in_kick_order(line):
    tabellino = parse_tabellino(two_teams(rest=line + "\n"))
    kicks = [(k["player"], k["scored"], k["outcome"]) for k in tabellino.as_dict()["shootout"]]
    assert kicks == [
        ("Abate", True, "scored"),
        ("Abbiati", False, "saved"),
        ("Bonera", False, "missed"),
        ("Baresi", True, "scored"),
    ]
    assert tabellino.warnings == ()
    teams = [k.team for k in tabellino.shootout]
    assert teams in (["Casa", "Ospiti", "Casa", "Ospiti"], [None] * 4)  # unmarked: the taker's squad decides


def test_a_kick_without_an_outcome_is_a_warning_not_a_guess():
    tabellino = parse_tabellino(two_teams(rest="Rigori: Abate gol, Abbiati\n"))
    assert [k.player for k in tabellino.shootout] == ["Abate"]
    assert tabellino.warnings == (
        "Rigori: tiro non riconosciuto «Abbiati» (atteso: nome ed esito, come «Messi gol»)",
    )


@pytest.mark.parametrize("title", ["Casa-Ospiti 3-3 d.t.s. (4-2 d.c.r.)", "Casa v Ospiti 1-1 a.e.t."])
def test_extra_time_is_read_from_the_result_line(title):
    assert parse_tabellino(title + "\n" + two_teams()).extra_time
    assert not parse_tabellino("Casa-Ospiti 1-1\n" + two_teams()).extra_time


def test_unreadable_lines_after_the_tabellino_become_warnings():
    tabellino = parse_tabellino(two_teams(rest="Marcatori: 10′ Inzaghi\nqualcosa di strano qui\n"))
    assert tabellino.warnings == ("Riga non riconosciuta: «qualcosa di strano qui»",)
    assert [g.player for g in tabellino.scorers] == ["Inzaghi"]


def test_team_with_ten_names_is_a_warning():
    tabellino = parse_tabellino(two_teams().replace("Jankulovski, Kaka", "Jankulovski"))
    assert tabellino.warnings == ("Casa: 10 titolari invece di 11",)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Buonasera a tutti, oggi niente partita.",
        "Il Tabellino di Milan-Atalanta 1-1 (2-1)\nMarcatori: 3′ Leao",
    ],
)
def test_text_without_team_lines_is_an_error(text):
    with pytest.raises(TabellinoError, match="Nessuna formazione trovata"):
        parse_tabellino(text)


def test_a_single_team_line_is_an_error():
    with pytest.raises(TabellinoError, match="una sola formazione"):
        parse_tabellino(SEED.split("\n\nAtalanta")[0])


def test_tabellino_error_is_a_value_error():
    assert issubclass(TabellinoError, ValueError)


@pytest.mark.parametrize(
    ("written", "folded"),
    [
        ("Leão", "leao"),
        ("Kolašinac", "kolasinac"),
        ("Loftus-Cheek", "loftus cheek"),
        ("Ødegaard", "odegaard"),
    ],
)
def test_fold_ignores_accents_case_and_punctuation(written, folded):
    assert fold(written) == folded


# --- Matching names to the squads --------------------------------------------------------------------------


def test_every_seed_name_resolves_to_the_demo_squads(demo_match):
    resolved = tabellino_resolve(match=demo_match, tabellino=parse_tabellino(SEED))
    assert resolved.problems == ()
    assert resolved.home.team == demo_match.home_team
    assert resolved.away.team == demo_match.away_team
    assert [m.player.name for m in resolved.home.starters] == [
        "Mike Maignan",
        "Alessandro Florenzi",
        "Malick Thiaw",
        "Matteo Gabbia",
        "Théo Hernández",
        "Ismaël Bennacer",
        "Yacine Adli",
        "Christian Pulisic",
        "Ruben Loftus-Cheek",
        "Rafael Leão",
        "Olivier Giroud",
    ]
    assert [p.name for p in resolved.away.bench] == [
        "Davide Zappacosta",
        "Ademola Lookman",
        "Gianluca Scamacca",
        "Isak Hien",
        "Rafael Tolói",
    ]
    by_written = {m.written: m.player.name for m in resolved.away.starters}
    assert by_written["Kolasinac"] == "Sead Kolašinac"
    assert by_written["De Roon"] == "Marten de Roon"
    assert by_written["Ederson"] == "Éderson"
    assert [s.player.player.name for s in resolved.scorers] == ["Rafael Leão", "Teun Koopmeiners"]
    assert [m.player.player.name for m in resolved.booked] == [
        "Marten de Roon",
        "Emil Holm",
        "Rafael Leão",
        "Ademola Lookman",
        "Éderson",
    ]


def test_team_lines_are_matched_by_name_not_position(demo_match):
    milan, atalanta = SEED.split("\n\nAtalanta")
    swapped = "Atalanta" + atalanta.split("\n\nMarcatori")[0] + "\n" + milan
    resolved = tabellino_resolve(match=demo_match, tabellino=parse_tabellino(swapped))
    assert resolved.problems == ()
    assert resolved.home.sheet.name == "Milan"
    assert resolved.away.sheet.name == "Atalanta"


def test_full_names_and_initials_resolve(demo_match):
    text = SEED.replace("Hernandez;", "Theo Hernández;").replace("Leao;", "R. Leao;")
    resolved = tabellino_resolve(match=demo_match, tabellino=parse_tabellino(text))
    assert resolved.problems == ()
    assert resolved.home.starters[4].player.name == "Théo Hernández"
    assert resolved.home.starters[9].player.name == "Rafael Leão"


def test_unknown_name_is_reported_not_guessed(demo_match):
    # Atalanta has a goalkeeper called Francesco Rossi; Milan has no Rossi.
    text = SEED.replace("Giroud.", "Rossi.")
    resolved = tabellino_resolve(match=demo_match, tabellino=parse_tabellino(text))
    assert [(p.name, p.where, p.reason) for p in resolved.problems] == [
        ("Rossi", "Milan – titolari", "non trovato")
    ]
    assert resolved.home.starters[10].player is None


@pytest.fixture
def letters_match(db) -> Match:
    """Casa–Ospiti, whose players are known as HOME and AWAY say: the names two_teams() writes."""
    home, away = make_team(name="Casa"), make_team(name="Ospiti")
    for team, names in ((home, HOME_NAMES), (away, AWAY_NAMES)):
        for player in team.players.all():
            player.known_as = names[player.shirt_number - 1]
            player.save()
    return make_match(home_team=home, away_team=away, with_lineups=False)


def test_short_tabellino_resolves_to_the_letters_match(letters_match):
    resolved = tabellino_resolve(match=letters_match, tabellino=parse_tabellino(two_teams()))
    assert resolved.problems == ()


def test_unknown_scorer_is_reported(letters_match):
    text = two_teams(rest="Marcatori: 10′ Sconosciuto, 20′ Inzaghi\n")
    resolved = tabellino_resolve(match=letters_match, tabellino=parse_tabellino(text))
    assert [(p.name, p.where, p.reason) for p in resolved.problems] == [
        ("Sconosciuto", "Marcatori", "non trovato")
    ]
    assert resolved.scorers[1].player.player.known_as == "Inzaghi"


def test_ambiguous_surname_is_reported_with_its_candidates(demo_match):
    milan = demo_match.home_team
    Player.objects.create(team=milan, name="Luca Giroud", known_as="Giroud", shirt_number=99)
    resolved = tabellino_resolve(match=demo_match, tabellino=parse_tabellino(SEED))
    assert [(p.name, p.where, p.reason) for p in resolved.problems] == [
        ("Giroud", "Milan – titolari", "ambiguo: Olivier Giroud, Luca Giroud")
    ]


def test_full_name_settles_what_the_surname_leaves_ambiguous(demo_match):
    Player.objects.create(team=demo_match.home_team, name="Luca Giroud", shirt_number=99)
    text = SEED.replace("Giroud.", "Olivier Giroud.")
    assert tabellino_resolve(match=demo_match, tabellino=parse_tabellino(text)).problems == ()


def test_ambiguous_booking_across_teams_prefers_the_players_on_the_pitch(demo_match):
    # Both squads get a "Holm"; only Atalanta's played, so the booking is his.
    Player.objects.create(team=demo_match.home_team, name="Anders Holm", shirt_number=98)
    resolved = tabellino_resolve(match=demo_match, tabellino=parse_tabellino(SEED))
    assert resolved.problems == ()
    assert resolved.booked[1].player.player.name == "Emil Holm"


def test_own_goal_scorer_resolves_across_teams(letters_match):
    text = two_teams(rest="Marcatori: 12′ aut. Costacurta\n")
    resolved = tabellino_resolve(match=letters_match, tabellino=parse_tabellino(text))
    assert resolved.problems == ()
    assert resolved.scorers[0].player.player.team == letters_match.away_team


def test_ambiguous_scorer_among_players_on_the_pitch_is_reported(letters_match):
    for team, first in ((letters_match.home_team, "Mario"), (letters_match.away_team, "Luca")):
        team.players.filter(shirt_number=9).update(name=f"{first} Rossi")
    text = two_teams(rest="Marcatori: 10′ Rossi\n")
    resolved = tabellino_resolve(match=letters_match, tabellino=parse_tabellino(text))
    assert [(p.name, p.where, p.reason) for p in resolved.problems] == [
        ("Rossi", "Marcatori", "ambiguo: Mario Rossi, Luca Rossi")
    ]


def test_team_line_naming_neither_team_is_reported(demo_match):
    text = SEED.replace("Milan (4-2-3-1)", "Juventus (4-2-3-1)")
    resolved = tabellino_resolve(match=demo_match, tabellino=parse_tabellino(text))
    assert [(p.name, p.where) for p in resolved.problems] == [("Juventus", "Squadre")]
    assert resolved.home.team_matched is False
    # The names are still looked up, in the squad the line's position suggests.
    assert all(m.player is not None for m in resolved.home.starters)


def test_player_written_twice_is_reported(demo_match):
    text = SEED.replace("(57′ Calabria)", "(57′ Giroud)")
    resolved = tabellino_resolve(match=demo_match, tabellino=parse_tabellino(text))
    assert [(p.name, p.reason) for p in resolved.problems] == [
        ("Giroud", "compare più volte nella formazione")
    ]


# --- Saving ------------------------------------------------------------------------------------------------


@pytest.fixture
def fresh_match(demo_match) -> Match:
    """The demo's teams again, in a new match with no line-ups, formations, coaches or referee."""
    return Match.objects.create(
        competition=demo_match.competition,
        home_team=demo_match.home_team,
        away_team=demo_match.away_team,
        kickoff=demo_match.kickoff,
    )


def lineup(match: Match, team, role: str) -> list[str]:
    return list(
        LineupEntry.objects.filter(match=match, team=team, role=role)
        .order_by("order")
        .values_list("player__name", flat=True)
    )


def test_apply_saves_line_ups_formations_coaches_and_referee(fresh_match):
    resolved = tabellino_resolve(match=fresh_match, tabellino=parse_tabellino(SEED))
    tabellino_apply(match=fresh_match, resolved=resolved)
    fresh_match.refresh_from_db()
    home, away = fresh_match.home_team, fresh_match.away_team
    assert lineup(fresh_match, home, "starter")[:2] == ["Mike Maignan", "Alessandro Florenzi"]
    assert len(lineup(fresh_match, home, "starter")) == 11
    assert lineup(fresh_match, away, "starter")[-1] == "Charles De Ketelaere"
    assert len(lineup(fresh_match, away, "starter")) == 11
    assert lineup(fresh_match, home, "bench") == ["Davide Calabria", "Yunus Musah", "Noah Okafor"]
    assert lineup(fresh_match, away, "bench") == [
        "Davide Zappacosta",
        "Ademola Lookman",
        "Gianluca Scamacca",
        "Isak Hien",
        "Rafael Tolói",
    ]
    assert (fresh_match.home_formation, fresh_match.away_formation) == ("4-2-3-1", "3-4-2-1")
    assert (fresh_match.home_coach, fresh_match.away_coach) == ("Pioli", "Gasperini")
    assert fresh_match.referee == "Orsato"


def test_apply_matches_the_demo_line_ups(demo_match, fresh_match):
    tabellino_apply(
        match=fresh_match, resolved=tabellino_resolve(match=fresh_match, tabellino=parse_tabellino(SEED))
    )
    for team in (demo_match.home_team, demo_match.away_team):
        for role in ("starter", "bench"):
            assert lineup(fresh_match, team, role) == lineup(demo_match, team, role)


def test_apply_replaces_an_earlier_line_up(fresh_match):
    resolved = tabellino_resolve(match=fresh_match, tabellino=parse_tabellino(SEED))
    tabellino_apply(match=fresh_match, resolved=resolved)
    tabellino_apply(match=fresh_match, resolved=resolved)
    assert LineupEntry.objects.filter(match=fresh_match).count() == 11 + 11 + 3 + 5


def test_apply_refuses_unresolved_names_and_saves_nothing(fresh_match):
    text = SEED.replace("Giroud.", "Rossi.")
    resolved = tabellino_resolve(match=fresh_match, tabellino=parse_tabellino(text))
    with pytest.raises(ValidationError, match="Rossi"):
        tabellino_apply(match=fresh_match, resolved=resolved)
    fresh_match.refresh_from_db()
    assert not LineupEntry.objects.filter(match=fresh_match).exists()
    assert (fresh_match.home_formation, fresh_match.referee) == ("", "")


def test_apply_refuses_a_tabellino_resolved_for_another_match(demo_match, fresh_match):
    resolved = tabellino_resolve(match=demo_match, tabellino=parse_tabellino(SEED))
    with pytest.raises(ValidationError):
        tabellino_apply(match=fresh_match, resolved=resolved)
    assert not LineupEntry.objects.filter(match=fresh_match).exists()
