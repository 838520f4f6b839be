import io
import json

import pytest
from django.core.management import CommandError, call_command

from matches.models import LineupEntry, Match
from tests.matches.test_tabellino import SEED

pytestmark = pytest.mark.django_db


@pytest.fixture
def fresh_match(demo_match) -> Match:
    return Match.objects.create(
        competition=demo_match.competition,
        home_team=demo_match.home_team,
        away_team=demo_match.away_team,
        kickoff=demo_match.kickoff,
    )


@pytest.fixture
def seed_file(tmp_path):
    path = tmp_path / "tabellino.txt"
    path.write_text(SEED, encoding="utf-8")
    return path


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_tabellino", *[str(a) for a in args], stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def sub(minute, off, on):
    return {"minute": minute, "added": 0, "off": off, "on": on}


def test_json_prints_the_documented_structure(fresh_match, seed_file):
    out, _ = run(fresh_match.pk, seed_file, "--json")
    assert "Kolasinac" in out  # ensure_ascii=False keeps "′" and accents readable too
    assert json.loads(out) == {
        "teams": [
            {
                "name": "Milan",
                "formation": "4-2-3-1",
                "coach": "Pioli",
                "starters": [
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
                ],
                "substitutions": [
                    sub(57, "Florenzi", "Calabria"),
                    sub(79, "Bennacer", "Musah"),
                    sub(88, "Pulisic", "Okafor"),
                ],
                "bench": [],
            },
            {
                "name": "Atalanta",
                "formation": "3-4-2-1",
                "coach": "Gasperini",
                "starters": [
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
                ],
                "substitutions": [
                    sub(46, "Holm", "Zappacosta"),
                    sub(46, "De Ketelaere", "Lookman"),
                    sub(63, "Miranchuk", "Scamacca"),
                    sub(79, "Ruggeri", "Hien"),
                    sub(89, "Scalvini", "Toloi"),
                ],
                "bench": [],
            },
        ],
        "scorers": [
            {"minute": 3, "added": 0, "player": "Leao", "penalty": False, "own_goal": False},
            {"minute": 42, "added": 0, "player": "Koopmeiners", "penalty": True, "own_goal": False},
        ],
        "referee": "Orsato",
        "booked": [
            {"minute": None, "added": 0, "player": name}
            for name in ("De Roon", "Holm", "Leao", "Lookman", "Ederson")
        ],
        "sent_off": [],
        "shootout": [],
        "extra_time": False,
    }
    assert not LineupEntry.objects.filter(match=fresh_match).exists()


def test_json_keeps_accents_and_works_with_unknown_names(fresh_match, tmp_path):
    path = tmp_path / "t.txt"
    path.write_text(SEED.replace("Giroud.", "Müller.").replace("Leao;", "Leão;"), encoding="utf-8")
    out, _ = run(fresh_match.pk, path, "--json")
    assert '"Müller"' in out and '"Leão"' in out
    assert json.loads(out)["teams"][0]["starters"][-1] == "Müller"
    assert not LineupEntry.objects.filter(match=fresh_match).exists()


def test_dry_run_prints_the_matched_players_and_saves_nothing(fresh_match, seed_file):
    out, _ = run(fresh_match.pk, seed_file, "--dry-run")
    assert "Leao → Rafael Leão (10)" in out
    assert "esce Scalvini, entra Toloi → Rafael Tolói (2)" in out
    assert "nessuna modifica salvata" in out
    fresh_match.refresh_from_db()
    assert not LineupEntry.objects.filter(match=fresh_match).exists()
    assert (fresh_match.home_formation, fresh_match.referee) == ("", "")


def test_dry_run_lists_the_problems(fresh_match, tmp_path):
    path = tmp_path / "t.txt"
    path.write_text(SEED.replace("Giroud.", "Rossi."), encoding="utf-8")
    out, _ = run(fresh_match.pk, path, "--dry-run")
    assert "Milan – titolari: «Rossi» non trovato" in out
    assert not LineupEntry.objects.filter(match=fresh_match).exists()


def test_without_flags_saves_the_line_ups(fresh_match, seed_file):
    out, _ = run(fresh_match.pk, seed_file)
    assert "salvati" in out
    fresh_match.refresh_from_db()
    assert LineupEntry.objects.filter(match=fresh_match).count() == 11 + 11 + 3 + 5
    assert (fresh_match.home_coach, fresh_match.away_formation, fresh_match.referee) == (
        "Pioli",
        "3-4-2-1",
        "Orsato",
    )


def test_unresolved_names_are_a_command_error_and_save_nothing(fresh_match, tmp_path):
    path = tmp_path / "t.txt"
    path.write_text(SEED.replace("Giroud.", "Rossi."), encoding="utf-8")
    with pytest.raises(CommandError, match="«Rossi» non trovato"):
        run(fresh_match.pk, path)
    assert not LineupEntry.objects.filter(match=fresh_match).exists()


def test_reads_standard_input_when_the_file_is_a_dash(fresh_match, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(SEED.replace("\n", "\r\n")))
    run(fresh_match.pk, "-")
    assert LineupEntry.objects.filter(match=fresh_match, role="starter").count() == 22


def test_unparseable_text_is_a_command_error(fresh_match, tmp_path):
    path = tmp_path / "t.txt"
    path.write_text("Nessun tabellino qui.", encoding="utf-8")
    with pytest.raises(CommandError, match="Nessuna formazione trovata"):
        run(fresh_match.pk, path, "--json")


def test_unknown_match_is_a_command_error(seed_file):
    with pytest.raises(CommandError, match="Nessuna partita"):
        run(999999, seed_file)


def test_missing_file_is_a_command_error(fresh_match, tmp_path):
    with pytest.raises(CommandError, match="Impossibile leggere"):
        run(fresh_match.pk, tmp_path / "manca.txt")


def test_warnings_go_to_standard_error(fresh_match, tmp_path):
    path = tmp_path / "t.txt"
    path.write_text(SEED + "\nriga misteriosa\n", encoding="utf-8")
    out, err = run(fresh_match.pk, path, "--json")
    assert "Riga non riconosciuta: «riga misteriosa»" in err
    json.loads(out)
