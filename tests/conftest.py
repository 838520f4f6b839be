import fcntl
import itertools
import os
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connections, transaction
from django.utils import timezone

from matches.models import Competition, LineupEntry, Match, Player, Team

_counter = itertools.count(1)


_database_lock = None


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """A test marked `restarts_database` stops the PostgreSQL server itself (tests/e2e/test_database_restart).
    On two workers it holds this run's lock alone, so the other worker waits between two tests, and the first
    test after the restart starts on a fresh connection. Every other test holds the lock shared; taken before
    any fixture opens a transaction, let go after the last one closed."""
    global _database_lock
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    if run is None:  # one process: nothing runs beside the restart
        return
    alone = item.get_closest_marker("restarts_database") is not None
    _database_lock = (Path(tempfile.gettempdir()) / f"diretta-tests-{run}.lock").open("a")
    fcntl.flock(_database_lock, fcntl.LOCK_EX if alone else fcntl.LOCK_SH)
    for connection in connections.all(initialized_only=True):
        if connection.connection is not None and not connection.is_usable():
            connection.close()


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item, nextitem):
    global _database_lock
    if _database_lock is not None:
        _database_lock.close()  # closing the file lets go of the lock
        _database_lock = None


def pytest_collection_modifyitems(items):
    """`make test` runs the suite on two workers (pytest-xdist, --dist loadgroup). The tests that start real
    servers and browsers all go to one of them, one at a time, as they always ran: they stop and restart
    servers (PostgreSQL included) and measure what a fan receives within seconds."""
    for item in items:
        if item.path.parent.name == "e2e":
            item.add_marker(pytest.mark.xdist_group("servers"))


def make_team(name=None, players=16, **kwargs) -> Team:
    n = next(_counter)
    name = name or f"Squadra {n}"
    team = Team.objects.create(
        name=name, short_name=kwargs.pop("short_name", name), code=f"T{n % 100:02d}", **kwargs
    )
    Player.objects.bulk_create(
        Player(team=team, name=f"Giocatore {i} {name}", known_as=f"G{i}-{team.code}", shirt_number=i)
        for i in range(1, players + 1)
    )
    return team


def make_match(*, with_lineups=True, **kwargs) -> Match:
    competition = kwargs.pop("competition", None)
    if competition is None:
        competition, _ = Competition.objects.get_or_create(name="Serie Test", season="2025/26")
    home = kwargs.pop("home_team", None) or make_team()
    away = kwargs.pop("away_team", None) or make_team()
    match = Match.objects.create(
        competition=competition,
        home_team=home,
        away_team=away,
        kickoff=kwargs.pop("kickoff", datetime(2025, 9, 14, 20, 45, tzinfo=ZoneInfo("Europe/Rome"))),
        matchday=kwargs.pop("matchday", 3),
        **kwargs,
    )
    if with_lineups:
        for team in (home, away):
            players = list(team.players.order_by("shirt_number"))
            LineupEntry.objects.bulk_create(
                [
                    LineupEntry(match=match, team=team, player=p, role="starter", order=i)
                    for i, p in enumerate(players[:11], 1)
                ]
                + [
                    LineupEntry(match=match, team=team, player=p, role="bench", order=i)
                    for i, p in enumerate(players[11:], 1)
                ]
            )
    return match


def player(team: Team, number: int) -> Player:
    return team.players.get(shirt_number=number)


@pytest.fixture
def match(db) -> Match:
    return make_match()


@pytest.fixture
def editor(db, django_user_model):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user("editor", password="x-Secret-123", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture(scope="session")
def demo_rows(django_db_setup, django_db_blocker, tmp_path_factory) -> tuple[Path, int]:
    """The rows demo_load writes, made once per run through the real loader (and rolled back), kept as a
    fixture file with the match's id: loading it takes a tenth of the time of publishing the 54 entries again
    for every test."""
    from commentary.demo.loader import demo_load

    path = tmp_path_factory.mktemp("demo") / "demo.json"
    with django_db_blocker.unblock(), transaction.atomic():
        assert not _has_match_rows(), "the demo rows are made in an empty database"
        match_pk = demo_load().pk
        call_command("dumpdata", "matches", "commentary", output=str(path), verbosity=0)
        transaction.set_rollback(True)
    return path, match_pk


def _has_match_rows() -> bool:
    models = [*apps.get_app_config("matches").get_models(), *apps.get_app_config("commentary").get_models()]
    return any(model.objects.exists() for model in models)


@pytest.fixture
def demo_match(db, demo_rows) -> Match:
    """The demo match as demo_load makes it. The saved rows keep their numbers, so they are loaded only into
    an empty database; a test that made rows of its own first gets the loader itself."""
    from commentary.demo.loader import demo_load

    if _has_match_rows():
        return demo_load()
    path, match_pk = demo_rows
    call_command("loaddata", str(path), verbosity=0)
    return Match.objects.get(pk=match_pk)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Passwords are hashed for real, just not slowly (the browser tests' daphne keeps the default)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def italian_by_default():
    """Each test starts in the site's default language, whatever the previous one switched to."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


def publish(*, match: Match, author=None, at=None, **fields):
    """Publish an entry through the one service, its fields given as keywords (an EntryDraft)."""
    from commentary.domain import services
    from commentary.domain.drafts import EntryDraft

    return services.entry_publish(match=match, draft=EntryDraft(**fields), author=author, at=at)


WHISTLES = ["kick_off", "half_time", "second_half", "extra_time", "extra_half_time", "extra_second_half"]


def play_to(match: Match, status: str) -> Match:
    """Blow the whistles (clock entries) that take a scheduled match to `status`, e.g. "second_half"."""
    for kind in WHISTLES:
        if match.status == status:
            break
        publish(match=match, kind=kind)
        match.refresh_from_db()
    assert match.status == status, match.status
    return match


def make_round(count=2) -> list[Match]:
    """`count` matches of matchday 2 of a league, after a matchday 1 that gives the table an order."""
    league, _ = Competition.objects.get_or_create(
        name="Lega Test", season="2025/26", defaults={"matchdays": 38}
    )
    matches = [make_match(competition=league, matchday=2, kickoff=timezone.now()) for _ in range(count)]
    for match in matches:  # matchday 1: the away sides won, so they lead before the round
        first = make_match(
            competition=league,
            matchday=1,
            home_team=match.home_team,
            away_team=match.away_team,
            with_lineups=False,
            kickoff=timezone.now() - timedelta(days=7),
        )
        Match.objects.filter(pk=first.pk).update(status=Match.Status.FINISHED, home_score=0, away_score=1)
    return matches


def shirt(match: Match, side: str, number: int = 9):
    """The team and a player of one side of `match` (read here, not in the test's event loop)."""
    team = getattr(Match.objects.select_related(f"{side}_team").get(pk=match.pk), f"{side}_team")
    return team, player(team, number)
