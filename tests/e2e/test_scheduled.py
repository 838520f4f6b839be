"""A scheduled post goes out exactly once, on the real task queue: two `db_worker` processes on the test
database, both stopped and started again before its time."""

import os
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from commentary.domain import services
from commentary.domain.drafts import EntryDraft
from commentary.models import Entry, Update
from tests.conftest import make_match, play_to
from tests.e2e.conftest import database_url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def worker() -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url(), "DJANGO_SETTINGS_MODULE": "config.settings"}
    return subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--no-reload",
            "--no-startup-delay",
            "--interval",
            "0.2",
            "-v0",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def stop(workers):
    for process in workers:
        process.terminate()
    for process in workers:
        process.wait(timeout=20)


def test_a_scheduled_post_goes_out_once_with_two_workers_and_a_restart(transactional_db):
    match = play_to(make_match(), "first_half")
    draft = services.draft_save(match=match, draft=EntryDraft(text="Il prepartita finisce qui"), author=None)
    services.draft_schedule(entry=draft, at=timezone.now() + timedelta(seconds=8), editor=None)
    workers = [worker(), worker()]
    try:
        time.sleep(3)
        assert all(process.poll() is None for process in workers), [p.stderr.read() for p in workers]
        stop(workers)  # a restart before its time
        workers = [worker(), worker()]
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline and not Entry.objects.filter(text__contains="prepartita").exists():
            time.sleep(0.3)
        time.sleep(3)  # both workers had every chance to publish it twice
    finally:
        stop(workers)
    published = Entry.objects.filter(match=match, text__contains="prepartita")
    assert published.count() == 1, [p.stderr.read() for p in workers]
    assert Update.objects.filter(match=match, entry_id=published.get().pk, action="publish").count() == 1
    assert not Entry.with_deleted.filter(pk=draft.pk).exists()
