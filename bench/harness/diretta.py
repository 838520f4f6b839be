"""What a Diretta server runs on in the bench: its environment, a fresh database, an editor and a match.

DEBUG=0 as in production: DEBUG=1 makes Django keep every SQL query in memory and changes the static files
and error paths, which would not be the app being measured. Over plain http that needs SECURE_SSL_REDIRECT=0;
the session and CSRF cookies are still marked Secure, which only a browser honours (the bench's editor keeps
its own cookies, so the admin login works). DATABASE_URL and REDIS_URL are never inherited from the caller's
shell: the bench must not write into a development or production database, nor publish on a shared Redis, by
accident.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import subprocess
import sys
import urllib.parse
from pathlib import Path

from .common import HOST, ROOT

BENCH_SECRET_KEY = "bench-secret-key-" + "x" * 40
EDITOR_USERNAME = "bench-editor"
EDITOR_PASSWORD = "bench-Password-2718"  # a throwaway user in a throwaway database

# Runs in `manage.py shell` against the bench database; prints the match id as JSON on its last line.
SETUP_SCRIPT = """
import json
from datetime import timedelta
from django.contrib.auth.models import Group, User
from django.utils import timezone
from matches.models import Competition, Match, Team

token = "%(token)s"
user, _ = User.objects.get_or_create(username="%(username)s", defaults={"is_staff": True})
user.is_staff = True
user.set_password("%(password)s")
user.save()
user.groups.add(Group.objects.get(name="Editors"))
competition, _ = Competition.objects.get_or_create(name="Bench", season="2025/26")
home = Team.objects.create(name=f"Bench Casa {token}", short_name="Casa", code="CAS")
away = Team.objects.create(name=f"Bench Ospiti {token}", short_name="Ospiti", code="OSP")
match = Match.objects.create(
    pk=%(match_id)d, competition=competition, home_team=home, away_team=away,
    kickoff=timezone.now() + timedelta(hours=1),
)
print(json.dumps({"match_id": match.pk}))
"""

LAST_SEQ_SCRIPT = """
from django.db.models import Max
from commentary.models import Update
print(Update.objects.filter(match_id=%(match_id)d).aggregate(m=Max("seq"))["m"] or 0)
"""


def server_env(var_dir: Path, database_url: str = "", redis_url: str = "") -> dict:
    """The environment of a Diretta server (and of the manage.py calls and the publisher process)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update(
        DEBUG="0",
        SECRET_KEY=BENCH_SECRET_KEY,
        ALLOWED_HOSTS=HOST,
        SECURE_SSL_REDIRECT="0",
        DIRETTA_VAR_DIR=str(var_dir),  # a fresh SQLite file (unless database_url) and static files
        STATIC_ROOT=str(var_dir / "staticfiles"),
        LOG_LEVEL="WARNING",
        DIRETTA_GC_LOG="1",  # the collector's pauses over 20 ms, counted in the result
        DIRETTA_MAX_SOCKETS_PER_ADDRESS="0",  # every fan of the bench comes from 127.0.0.1
        PYTHONUNBUFFERED="1",
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def manage(env: dict, *arguments: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {arguments[0]} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def prepare_database(env: dict) -> int:
    """Migrate, collect the static files DEBUG=0 serves, create the editor and a match; return its id."""
    manage(env, "migrate", "--noinput", "-v0")
    # The admin pages link static files through the manifest, which only collectstatic writes.
    manage(env, "collectstatic", "--noinput", "-v0")
    # Redis pub/sub channels ignore the database number: a test suite using the same Redis would publish on
    # "match-1". A random, high match id keeps the bench's group apart from everything else.
    match_id = random.randrange(10**8, 10**9)
    script = SETUP_SCRIPT % {
        "token": f"{match_id:x}",
        "username": EDITOR_USERNAME,
        "password": EDITOR_PASSWORD,
        "match_id": match_id,
    }
    output = manage(env, "shell", "-c", script)
    return json.loads(output.strip().splitlines()[-1])["match_id"]


def last_seq(env: dict, match_id: int) -> int:
    """The number of the match's last update: what a fan sending since=0 must receive to have caught up."""
    return int(manage(env, "shell", "-c", LAST_SEQ_SCRIPT % {"match_id": match_id}).strip().splitlines()[-1])


@contextlib.contextmanager
def fresh_postgres(admin_url: str = "postgres://postgres@127.0.0.1:5432/postgres"):
    """A new, empty PostgreSQL database on 127.0.0.1 for one run, dropped afterwards; yields its URL."""
    import psycopg

    parts = urllib.parse.urlsplit(admin_url)
    if parts.hostname not in (HOST, "localhost"):
        raise RuntimeError(f"{admin_url}: the bench only talks to 127.0.0.1")
    name = f"diretta_bench_{os.getpid()}_{random.randrange(16**6):06x}"
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
