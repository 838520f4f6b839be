"""The health check a load balancer asks before sending a process its fans."""

import pytest
from django.db import OperationalError

pytestmark = pytest.mark.django_db


def test_health_check_answers_with_the_audience(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": True, "matches": 0, "fans": 0}
    assert response["Cache-Control"] == "no-store"


def test_health_check_says_503_when_the_database_does_not_answer(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("django.db.backends.utils.CursorWrapper.execute", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] is False
