"""Every kind of page we serve is valid HTML, as the Nu Html Checker (vnu.jar, the W3C's validator) sees it.

The pages are rendered with Django's test client and checked in one run of the checker: the JVM takes
seconds to start, the checking itself is quick.
"""

import io
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from commentary.domain import services
from commentary.models import Entry, Mark
from matches.models import Competition
from tests.conftest import make_match, make_round, play_to, publish, shirt

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[1]
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
SEASON_FILE = "matches/data/openfootball/it.1.json"


def need(condition: bool, reason: str):
    """Skip locally when a tool is absent; in CI, that is a failure (as tests/e2e/conftest.py does)."""
    if not condition:
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (CI must provide it)")
        pytest.skip(reason)


def vnu_errors(paths: list[Path]) -> list[dict]:
    """The checker's errors (and documents it could not read) for `paths`, in one JVM."""
    result = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    # vnu writes its JSON report to stderr and exits 1 when it found errors
    try:
        messages = json.loads(result.stderr)["messages"]
    except (json.JSONDecodeError, KeyError) as error:
        raise AssertionError(f"vnu.jar gave no report (exit {result.returncode}): {result.stderr}") from error
    return [m for m in messages if m.get("type") in ("error", "non-document-error")]


def test_every_kind_of_page_is_valid_html(client, demo_match, editor, tmp_path):
    need(shutil.which("java") is not None, "java is not installed (apt-get install default-jre-headless)")
    need(VNU_JAR.exists(), f"{VNU_JAR.relative_to(ROOT)} is missing (run `npm ci` or `make test`)")

    report = demo_match
    starter = report.lineup.filter(role="starter").first().player
    Mark.objects.create(match=report, player=starter, mark=7, judgement="Decisivo nel primo tempo")
    call_command("import_football_json", SEASON_FILE, stdout=io.StringIO())
    season = Competition.objects.get(pk=report.competition_id)
    live = make_match()
    publish(match=live, kind=Entry.Kind.KICK_OFF, text="Si parte!")
    pinned = publish(match=live, kind=Entry.Kind.COMMENTARY, text="Prima <b>azione</b>")
    services.entry_pin(entry=pinned, pinned=True)
    upcoming = make_match()
    playing, _waiting = make_round()
    play_to(playing, "first_half")
    team, scorer = shirt(playing, "home")
    publish(match=playing, kind=Entry.Kind.GOAL, minute=5, team=team, player=scorer)

    public = {
        "round-live": reverse("matchday-detail", args=[playing.competition_id, 2]),
        "match-list": "/",
        "match-upcoming": reverse("match-detail", args=[upcoming.pk]),
        "match-live": reverse("match-detail", args=[live.pk]),
        "match-report": reverse("match-detail", args=[report.pk]),
        "match-report-key-events": reverse("match-detail", args=[report.pk]) + "?filter=key",
        "match-report-en": f"/en/matches/{report.pk}/",
        "match-embed": reverse("match-embed", args=[report.pk]),
        "competition-list": reverse("competition-list"),
        "competition": reverse("competition-detail", args=[season.pk]),
        "matchday": reverse("matchday-detail", args=[season.pk, report.matchday]),
        "team": reverse("team-detail", args=[report.home_team_id]),
        "search": reverse("search") + "?q=milan",
        "admin-login": "/admin/login/",
    }
    pages = {}
    for name, url in public.items():
        pages[name] = (url, client.get(url))
    client.force_login(editor)
    url = reverse("desk", args=[live.pk])
    pages["desk"] = (url, client.get(url))

    files = {}
    for name, (url, response) in pages.items():
        assert response.status_code == 200, f"{url} answered {response.status_code}"
        path = tmp_path / f"{name}.html"
        path.write_bytes(response.content)
        files[path.as_uri()] = url

    errors = vnu_errors(list(tmp_path.glob("*.html")))
    found = [
        f"{files.get(e.get('url'), e.get('url'))} line {e.get('lastLine', '?')}: {e['message']}\n"
        f"    {e.get('extract', '')!r}"
        for e in errors
    ]
    print("\n".join(found))
    assert found == [], f"{len(found)} HTML errors:\n" + "\n".join(found)
