"""PostgreSQL restarted during a match: the desk says so, nothing is half-written, publishing resumes."""

import os
import re
import shutil
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from commentary.models import Entry, Update
from tests.conftest import make_match, publish
from tests.e2e.conftest import AdminClient

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.restarts_database]


def postgres(action: str) -> None:
    version = sorted(os.listdir("/etc/postgresql"))[0]
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action], check=True, timeout=60
    )
    if action == "start":
        for _ in range(60):
            if subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"]).returncode == 0:
                return
            time.sleep(0.5)
        raise RuntimeError("PostgreSQL did not come back")


def test_desk_survives_a_postgresql_restart(server, editor):
    if connection.vendor != "postgresql":
        pytest.skip("runs in the PostgreSQL pass of .ci/run (DATABASE_URL=postgres://…)")
    if os.geteuid() != 0 or not shutil.which("pg_ctlcluster") or not Path("/etc/postgresql").exists():
        pytest.skip("needs root and a local PostgreSQL cluster to restart")
    match = make_match()
    publish(match=match, kind=Entry.Kind.KICK_OFF)
    desk = AdminClient(server.url, "editor", "x-Secret-123")
    page = desk.opener.open(f"{server.url}/admin/desk/{match.pk}/", timeout=10).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    def desk_publish(text):
        body = urllib.parse.urlencode({"kind": "commentary", "added_minute": 0, "text": text}).encode()
        request = urllib.request.Request(
            f"{server.url}/admin/desk/{match.pk}/publish/",
            data=body,
            headers={"X-CSRFToken": token, "HX-Request": "true", "Referer": server.url + "/admin/"},
        )
        try:
            with desk.opener.open(request, timeout=20) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    updates_before = Update.objects.filter(match=match).count()
    connection.close()
    postgres("stop")
    try:
        status, body = desk_publish("Scritta mentre il database era giù")
    finally:
        postgres("start")
    assert status == 503 and "database non risponde" in body
    connection.close()  # this process's connection died with the server
    assert not Entry.objects.filter(text__contains="database era giù").exists()
    assert Update.objects.filter(match=match).count() == updates_before
    status, body = desk_publish("Di nuovo in linea")
    assert status == 200 and "composer__error" not in body
    assert Entry.objects.filter(match=match, text="Di nuovo in linea").exists()
