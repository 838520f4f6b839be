"""What an attacker tries: production settings, headers, brute force, permissions, hostile input."""

import contextlib
import os
import re
import secrets
import subprocess
import sys
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from commentary.models import Entry, Update
from matches.models import Match
from matches.tabellino.parse import TabellinoError, parse_tabellino
from tests.conftest import make_match, publish

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "diretta.example",
    "DATABASE_URL": "sqlite:////tmp/diretta-deploy-check.sqlite3",
}


def clean_environ() -> dict:
    # the browser tests' conftest relaxes Django's async safety check for this process only
    return {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}


def manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        env={**clean_environ(), **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_the_development_secret_key():
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        capture_output=True,
        text=True,
        timeout=60,
        env={k: v for k, v in {**clean_environ(), **env}.items() if k != "SECRET_KEY"},
    )
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr


@pytest.mark.django_db
def test_pages_send_the_protective_headers(client, demo_match):
    response = client.get(reverse("match-detail", args=[demo_match.pk]))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    csp = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in csp and "unsafe-inline" not in csp
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    html = response.content.decode()
    # every script element on the page is either external or carries this response's nonce
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or f'nonce="{nonce}"' in tag, tag
    assert not re.search(r"\son[a-z]+=", html), "no inline event handlers"


@pytest.mark.django_db
def test_login_brute_force_is_locked_out(client, editor):
    url = reverse("admin:login")
    for _ in range(5):
        client.post(url, {"username": "editor", "password": "wrong-guess", "next": "/admin/"})
    locked = client.post(url, {"username": "editor", "password": "x-Secret-123", "next": "/admin/"})
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_an_attacker_elsewhere_does_not_lock_the_editor_out(client, editor):
    url = reverse("admin:login")
    for _ in range(8):  # from the attacker's address, a client's own X-Forwarded-For being ignored
        client.post(
            url,
            {"username": "editor", "password": "wrong-guess", "next": "/admin/"},
            REMOTE_ADDR="203.0.113.7",
            HTTP_X_FORWARDED_FOR="198.51.100.1",
        )
    response = client.post(
        url, {"username": "editor", "password": "x-Secret-123", "next": "/admin/"}, REMOTE_ADDR="198.51.100.1"
    )
    assert response.status_code == 302 and "_auth_user_id" in client.session


@pytest.mark.django_db
def test_the_wait_grows_while_the_attacker_keeps_guessing_and_then_ends(client, editor):
    from axes.models import AccessAttempt

    from config.login import cool_off

    url = reverse("admin:login")
    wrong = {"username": "editor", "password": "wrong-guess", "next": "/admin/"}
    for _ in range(5):
        client.post(url, wrong)
    request = type("R", (), {"POST": {"username": "editor"}, "META": {"REMOTE_ADDR": "127.0.0.1"}})()
    first = cool_off(request)
    for _ in range(3):
        assert client.post(url, wrong).status_code == 429
    assert cool_off(request) > first  # doubled with each guess while waiting
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(hours=1))  # the wait is over
    right = client.post(url, {"username": "editor", "password": "x-Secret-123", "next": "/admin/"})
    assert right.status_code == 302 and "_auth_user_id" in client.session


@pytest.mark.django_db
def test_a_few_mistakes_do_not_lock_an_editor_out(client, editor):
    url = reverse("admin:login")
    for _ in range(3):
        client.post(url, {"username": "editor", "password": "wrong-guess", "next": "/admin/"})
    response = client.post(url, {"username": "editor", "password": "x-Secret-123", "next": "/admin/"})
    assert response.status_code == 302 and "_auth_user_id" in client.session


WRITE_URLS = [
    "/admin/commentary/entry/add/",
    "/admin/matches/match/{match}/change/",
    "/admin/matches/match/{match}/tabellino/",
    "/admin/matches/player/add/",
]


@pytest.mark.django_db
@pytest.mark.parametrize("url", WRITE_URLS)
def test_admin_write_pages_refuse_fans_and_staff_without_permission(client, django_user_model, url):
    match = make_match()
    url = url.format(match=match.pk)
    anonymous = client.post(url, {})
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]
    fan = django_user_model.objects.create_user("tifoso", password="x-Secret-789")
    client.force_login(fan)
    assert client.post(url, {}).status_code == 302  # not staff: back to the login page
    staff = django_user_model.objects.create_user("staff", password="x-Secret-789", is_staff=True)
    client.force_login(staff)
    assert client.post(url, {}).status_code == 403
    assert not Entry.objects.exists()


HOSTILE = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">clicca</a>',
    '<a href=" JaVaScRiPt:alert(1)">x</a>',
    "<b onmouseover=alert(1)>grassetto</b>",
    "<svg/onload=alert(1)>",
    "<iframe src=//evil.example></iframe>",
    '"><script>alert(1)</script>',
    "</textarea><script>alert(1)</script>",
    "{{ 7*7 }} {% debug %}",
    "\x00\x01\x07 controllo \x1b[31m",
    "\u202e\u202d inverso \u2066\u2069",
    "⚽🟨🟥 emoji e accenti àèìòù",
    "x" * 6000,
    "Nome" + "lunghissimo" * 30,
    "' OR 1=1 --",
]


@pytest.fixture
def desk(client, editor):
    client.force_login(editor)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_input_through_every_desk_field_is_stored_safely_or_refused(desk, value):
    match = make_match()
    publish(match=match, kind=Entry.Kind.KICK_OFF)
    url = reverse("desk-publish", args=[match.pk])
    for data in (
        {"kind": "commentary", "text": value},
        {"kind": "goal", "team": "home", "player": value, "text": "gol"},
        {"kind": "substitution", "team": "home", "player": "9", "player2": value},
        {"kind": value, "text": "tipo ostile"},
        {"kind": "commentary", "minute": value, "added_minute": value, "text": "minuto ostile"},
        {"kind": "var_check", "team": value, "var_outcome": value},
    ):
        response = desk.post(url, {"added_minute": 0, **data})
        assert response.status_code == 200
    summary = desk.post(reverse("desk-summary", args=[match.pk]), {"summary": value})
    assert summary.status_code == 200
    entry = Entry.objects.filter(match=match).exclude(kind="kick_off").first()
    if entry is not None:
        edit = desk.post(
            reverse("desk-entry-edit", args=[entry.pk]),
            {"version": entry.version, "kind": "commentary", "added_minute": 0, "text": value},
        )
        assert edit.status_code in (200, 204)
    page = desk.get(reverse("match-detail", args=[match.pk])).content.decode()
    frames = "".join(Update.objects.filter(match=match).values_list("html", flat=True))
    for html in (page, frames):
        for raw in ("<script>alert", "<img src=x", "<svg/onload", "<iframe src", "<b onmouseover"):
            assert raw not in html  # shown as text (&lt;…) or dropped, never markup
        for tag in re.findall(r"<[a-zA-Z][^>]*>", html):  # every real element the browser will build
            assert not re.search(r"\son\w+\s*=", tag), tag
            assert "javascript:" not in tag.lower().replace(" ", ""), tag
    assert Match.objects.get(pk=match.pk).status == "first_half"


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_tabellino_is_parsed_or_refused_never_crashes(value):
    for text in (
        value,
        f"Milan (4-3-3): {value}; A, B, C; D, E, F; G, H, I. Allenatore: {value}\n"
        f"Inter (4-3-3): A; B, C, D, E; F, G, H; I, J, K. All. X\nMarcatori: {value}",
    ):
        with contextlib.suppress(TabellinoError):  # refusing is fine; any other exception fails the test
            parse_tabellino(text)


@pytest.mark.django_db
@pytest.mark.parametrize("value", HOSTILE[:6])
def test_hostile_tabellino_in_the_admin_is_never_a_500(client, editor, value):
    match = make_match()
    client.force_login(editor)
    response = client.post(f"/admin/matches/match/{match.pk}/tabellino/", {"text": value})
    assert response.status_code in (200, 302)
    assert "<script>alert" not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query", ["order=%0aX", "filter=%0d%0a", "order=%00", "order=%22", "filter=%22%0aSet-Cookie:%20x=1"]
)
def test_query_values_never_reach_a_header(client, match, query):
    response = client.get(f"/matches/{match.pk}/?{query}")
    assert response.status_code == 200
    etag = response["ETag"]
    assert etag.startswith('"') and etag.endswith('"') and etag.count('"') == 2
    assert not any(c in etag for c in "\r\n\x00")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/matches/{big}/",
        "/matches/{big}/embed/",
        "/matches/{big}/feed/",
        "/api/matches/{big}/",
        "/teams/{big}/",
    ],
)
def test_ids_beyond_64_bits_are_404(client, path):
    assert client.get(path.format(big=2**63)).status_code == 404
    assert client.get(path.format(big=10**30)).status_code == 404


@pytest.mark.django_db
def test_a_control_character_in_a_name_does_not_break_the_feeds(client, match):
    from tests.conftest import player

    scorer = player(match.home_team, 9)
    scorer.known_as = "Bomber\x01\x1b"
    scorer.save()
    publish(match=match, kind="kick_off")
    publish(match=match, kind="goal", minute=3, team=match.home_team, player=scorer)
    for url in (f"/matches/{match.pk}/feed/", f"/competitions/{match.competition_id}/feed/"):
        response = client.get(url)
        assert response.status_code == 200
        assert b"\x01" not in response.content and b"\x1b" not in response.content


@pytest.mark.django_db
def test_a_desk_post_without_the_csrf_token_is_refused(editor, match):
    from django.test import Client

    from commentary.models import Entry

    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    response = client.post(
        reverse("desk-publish", args=[match.pk]),
        {"kind": "commentary", "text": "Forgiata", "added_minute": 0},
    )
    assert response.status_code == 403
    assert not Entry.objects.filter(match=match).exists()
