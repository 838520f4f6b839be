"""A poll entry: the editor asks, readers answer once per browser, the results move for everyone."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from commentary.domain import ratings, services
from commentary.domain.drafts import EntryDraft
from commentary.models import PollVote, Update
from tests.conftest import play_to

pytestmark = pytest.mark.django_db
ORIGIN = {"HTTP_ORIGIN": "http://testserver"}


def test_a_poll_from_the_desk_answered_by_readers(client, editor, match):
    play_to(match, "second_half")
    client.force_login(editor)
    client.post(
        reverse("desk-publish", args=[match.pk]),
        {"kind": "poll", "added_minute": 0, "text": "Migliore in campo?", "options": "Leão\nKoopmeiners\n\n"},
    )
    poll = match.entries.get(kind="poll")
    assert [o.label for o in poll.options.all()] == ["Leão", "Koopmeiners"]
    assert "Migliore in campo?" in Update.objects.filter(match=match).latest("seq").html
    client.logout()
    leao = poll.options.get(label="Leão")
    url = reverse("poll-vote", args=[poll.pk])
    assert "Grazie: hai scelto Leão" in client.post(url, {"option": leao.pk}, **ORIGIN).content.decode()
    again = client.post(url, {"option": leao.pk}, **ORIGIN)
    assert again.status_code == 409 and "Hai già risposto" in again.content.decode()
    assert client.post(url, {"option": "999999"}, **ORIGIN).status_code == 400
    client.cookies.clear()
    client.post(url, {"option": poll.options.get(label="Koopmeiners").pk}, **ORIGIN)
    assert [(o.label, votes, share) for o, votes, share in poll.poll] == [
        ("Leão", 1, 50),
        ("Koopmeiners", 1, 50),
    ]
    ratings.refresh(match_id=match.pk)  # what the task queue runs a few seconds after the first answer
    frame = Update.objects.filter(match=match).latest("seq")
    assert frame.action == "votes" and f'id="entry-{poll.pk}"' in frame.html and "50%" in frame.html
    assert PollVote.objects.count() == 2


def test_a_poll_needs_two_to_six_answers(match):
    play_to(match, "first_half")
    for options in ([], ["Solo una"], [str(n) for n in range(7)]):
        with pytest.raises(ValidationError, match="da 2 a 6"):
            services.entry_publish(match=match, draft=EntryDraft(kind="poll", text="?"), poll_options=options)
    assert not match.entries.filter(kind="poll").exists()
