"""The 2022 World Cup final (Lusail, 18 December 2022), the worked case of knockout football: 3–3 after extra
time, Argentina won 4–2 on penalties. The goals and the kicks are the issue's facts; the line-ups and the
substitutions are the published team sheets, as test data for the rules (who is on the pitch to take a kick).
"""

from datetime import UTC, datetime

from matches.models import Competition, LineupEntry, Match, Player, Team

ARGENTINA = {
    "starters": [
        (23, "Emiliano Martínez", "E. Martínez"),
        (26, "Nahuel Molina", "Molina"),
        (13, "Cristian Romero", "Romero"),
        (19, "Nicolás Otamendi", "Otamendi"),
        (3, "Nicolás Tagliafico", "Tagliafico"),
        (7, "Rodrigo De Paul", "De Paul"),
        (24, "Enzo Fernández", "Enzo Fernández"),
        (20, "Alexis Mac Allister", "Mac Allister"),
        (10, "Lionel Messi", "Messi"),
        (9, "Julián Álvarez", "Álvarez"),
        (11, "Ángel Di María", "Di María"),
    ],
    "bench": [
        (8, "Marcos Acuña", "Acuña"),
        (4, "Gonzalo Montiel", "Montiel"),
        (5, "Leandro Paredes", "Paredes"),
        (22, "Lautaro Martínez", "Lautaro Martínez"),
        (6, "Germán Pezzella", "Pezzella"),
        (21, "Paulo Dybala", "Dybala"),
    ],
}
FRANCE = {
    "starters": [
        (1, "Hugo Lloris", "Lloris"),
        (5, "Jules Koundé", "Koundé"),
        (4, "Raphaël Varane", "Varane"),
        (18, "Dayot Upamecano", "Upamecano"),
        (22, "Theo Hernández", "Theo Hernández"),
        (8, "Aurélien Tchouaméni", "Tchouaméni"),
        (14, "Adrien Rabiot", "Rabiot"),
        (7, "Antoine Griezmann", "Griezmann"),
        (11, "Ousmane Dembélé", "Dembélé"),
        (9, "Olivier Giroud", "Giroud"),
        (10, "Kylian Mbappé", "Mbappé"),
    ],
    "bench": [
        (12, "Randal Kolo Muani", "Kolo Muani"),
        (15, "Marcus Thuram", "Thuram"),
        (20, "Kingsley Coman", "Coman"),
        (25, "Eduardo Camavinga", "Camavinga"),
        (13, "Youssouf Fofana", "Fofana"),
        (3, "Axel Disasi", "Disasi"),
    ],
}
# (period, minute, added, team, off, on)
SUBSTITUTIONS = [
    ("first_half", 41, 0, "FRA", "Dembélé", "Kolo Muani"),
    ("first_half", 41, 0, "FRA", "Giroud", "Thuram"),
    ("second_half", 64, 0, "ARG", "Di María", "Acuña"),
    ("second_half", 71, 0, "FRA", "Griezmann", "Coman"),
    ("second_half", 71, 0, "FRA", "Theo Hernández", "Camavinga"),
    ("extra_first_half", 91, 0, "ARG", "Molina", "Montiel"),
    ("extra_first_half", 96, 0, "FRA", "Rabiot", "Fofana"),
    ("extra_first_half", 102, 0, "ARG", "De Paul", "Paredes"),
    ("extra_first_half", 103, 0, "ARG", "Álvarez", "Lautaro Martínez"),
    ("extra_second_half", 113, 0, "FRA", "Koundé", "Disasi"),
    ("extra_second_half", 116, 0, "ARG", "Mac Allister", "Pezzella"),
    ("extra_second_half", 120, 1, "ARG", "Tagliafico", "Dybala"),
]
# (period, minute, added, team, scorer, kind)
GOALS = [
    ("first_half", 23, 0, "ARG", "Messi", "penalty_goal"),
    ("first_half", 36, 0, "ARG", "Di María", "goal"),
    ("second_half", 80, 0, "FRA", "Mbappé", "penalty_goal"),
    ("second_half", 81, 0, "FRA", "Mbappé", "goal"),
    ("extra_second_half", 108, 0, "ARG", "Messi", "goal"),
    ("extra_second_half", 118, 0, "FRA", "Mbappé", "penalty_goal"),
]
# In kick order: (team, taker, kind)
SHOOTOUT = [
    ("FRA", "Mbappé", "penalty_goal"),
    ("ARG", "Messi", "penalty_goal"),
    ("FRA", "Coman", "penalty_saved"),
    ("ARG", "Dybala", "penalty_goal"),
    ("FRA", "Tchouaméni", "penalty_missed"),
    ("ARG", "Paredes", "penalty_goal"),
    ("FRA", "Kolo Muani", "penalty_goal"),
    ("ARG", "Montiel", "penalty_goal"),
]


def final_2022(*, with_lineups: bool = True) -> Match:
    """The final as a scheduled match, its squads and (by default) its team sheets."""
    competition = Competition.objects.create(name="Coppa del Mondo", season="2022")
    argentina = Team.objects.create(
        name="Argentina", short_name="Argentina", code="ARG", primary_colour="#75aadb"
    )
    france = Team.objects.create(name="Francia", short_name="Francia", code="FRA", primary_colour="#21304d")
    match = Match.objects.create(
        competition=competition,
        round_name="Finale",
        home_team=argentina,
        away_team=france,
        kickoff=datetime(2022, 12, 18, 15, 0, tzinfo=UTC),
        venue="Lusail Stadium",
        referee="Szymon Marciniak",
    )
    for team, sheet in ((argentina, ARGENTINA), (france, FRANCE)):
        for role in ("starters", "bench"):
            for order, (number, name, known_as) in enumerate(sheet[role]):
                player = Player.objects.create(team=team, name=name, known_as=known_as, shirt_number=number)
                if with_lineups:
                    LineupEntry.objects.create(
                        match=match,
                        team=team,
                        player=player,
                        role=LineupEntry.Role.STARTER if role == "starters" else LineupEntry.Role.BENCH,
                        order=order,
                    )
    return match


def team(match: Match, code: str) -> Team:
    return match.home_team if match.home_team.code == code else match.away_team


def player(match: Match, code: str, known_as: str) -> Player:
    return Player.objects.get(team=team(match, code), known_as=known_as)


def play_final(match: Match, *, shootout: list | None = None) -> Match:
    """Play the final through the service an editor uses: whistles, goals and substitutions at their
    minutes, then the shoot-out (`shootout`, default the real one) and the final whistle."""
    from tests.conftest import publish

    def whistle(kind):
        publish(match=match, kind=kind)

    def events(period):
        for p, minute, added, code, off, on in SUBSTITUTIONS:
            if p == period:
                publish(
                    match=match,
                    kind="substitution",
                    period=p,
                    minute=minute,
                    added_minute=added,
                    team=team(match, code),
                    player=player(match, code, off),
                    player2=player(match, code, on),
                )
        for p, minute, added, code, scorer, kind in GOALS:
            if p == period:
                publish(
                    match=match,
                    kind=kind,
                    period=p,
                    minute=minute,
                    added_minute=added,
                    team=team(match, code),
                    player=player(match, code, scorer),
                )

    whistle("kick_off")
    events("first_half")
    whistle("half_time")
    whistle("second_half")
    events("second_half")
    whistle("extra_time")
    events("extra_first_half")
    whistle("extra_half_time")
    whistle("extra_second_half")
    events("extra_second_half")
    whistle("penalties")
    for code, taker, kind in SHOOTOUT if shootout is None else shootout:
        publish(match=match, kind=kind, team=team(match, code), player=player(match, code, taker))
    if shootout is None:
        whistle("full_time")
    match.refresh_from_db()
    return match


# The final as a newspaper's tabellino would print it (our own layout of the facts above; the unused
# substitutes named are from the two squads of 22-26 players, not in the team sheets above).
TABELLINO = """Argentina-Francia 3-3 d.t.s. (4-2 d.c.r.)

Argentina (4-3-3): E. Martínez; Molina (91′ Montiel), Romero, Otamendi, Tagliafico (120+1′ Dybala);
De Paul (102′ Paredes), Enzo Fernández, Mac Allister (116′ Pezzella); Messi, Álvarez (103′ Lautaro Martínez),
Di María (64′ Acuña). A disposizione: Armani, Rulli, Foyth. Allenatore: Scaloni.
Francia (4-2-3-1): Lloris; Koundé (113′ Disasi), Varane, Upamecano, Theo Hernández (71′ Camavinga);
Tchouaméni, Rabiot (96′ Fofana); Dembélé (41′ Kolo Muani), Griezmann (71′ Coman), Mbappé; Giroud (41′ Thuram).
Allenatore: Deschamps.
A disposizione: Areola, Mandanda, Saliba
Marcatori: 23′ rig. Messi, 36′ Di María, 80′ rig. e 81′ Mbappé, 108′ Messi, 118′ rig. Mbappé
Arbitro: Szymon Marciniak
Sequenza dei rigori: Mbappé (F) gol, Messi (A) gol, Coman (F) parato, Dybala (A) gol, Tchouaméni (F) fuori, \
Paredes (A) gol, Kolo Muani (F) gol, Montiel (A) gol
"""
