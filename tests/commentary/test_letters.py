"""Readers write in: nothing is published by itself; the desk reads, quotes or dismisses; abuse is refused."""

import pytest
from django.urls import reverse

from commentary.models import Entry, ReaderMessage
from tests.conftest import play_to

pytestmark = pytest.mark.django_db
ORIGIN = {"HTTP_ORIGIN": "http://testserver"}


def test_a_reader_writes_and_the_desk_quotes_it(client, editor, match):
    play_to(match, "first_half")
    url = reverse("match-message", args=[match.pk])
    answer = client.post(url, {"name": "Paolo da Bergamo", "text": "Che <b>partita</b>! Forza Dea"}, **ORIGIN)
    assert "la redazione leggerà" in answer.content.decode()
    assert not Entry.objects.filter(text__contains="Forza Dea").exists()  # never published by itself
    client.force_login(editor)
    queue = client.get(reverse("desk-letters", args=[match.pk])).content.decode()
    assert "Forza Dea" in queue and "&lt;b&gt;" in queue  # shown as typed, never as markup
    letter = ReaderMessage.objects.get()
    client.post(reverse("desk-letter-quote", args=[letter.pk]))
    entry = Entry.objects.get(text__contains="Forza Dea")
    assert "Paolo da Bergamo" in entry.text and "<b>" not in entry.text.replace("&lt;b&gt;", "")
    assert "Forza Dea" not in client.get(reverse("desk-letters", args=[match.pk])).content.decode()


def test_robots_floods_and_empty_messages_are_refused_in_words(client, match):
    play_to(match, "first_half")
    url = reverse("match-message", args=[match.pk])
    assert (
        client.post(url, {"text": "compra ora", "website": "http://spam.example"}, **ORIGIN).status_code
        == 400
    )
    assert client.post(url, {"text": "   "}, **ORIGIN).status_code == 400
    assert client.post(url, {"text": "x" * 501}, **ORIGIN).status_code == 400
    assert client.post(url, {"text": "ciao"}, HTTP_ORIGIN="https://altro.example").status_code == 403
    codes = [client.post(url, {"text": f"messaggio {n}"}, **ORIGIN).status_code for n in range(4)]
    assert codes == [200, 200, 200, 429]
    assert "riprova tra qualche minuto" in client.post(url, {"text": "ancora"}, **ORIGIN).content.decode()
    assert ReaderMessage.objects.count() == 3
