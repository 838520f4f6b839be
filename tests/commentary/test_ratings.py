"""Pagelle, two voices: the editor's marks and the readers' votes, with every abuse refused in words."""

import pytest
from django.urls import reverse

from commentary.domain import ratings
from commentary.models import Mark, PendingRefresh, Update, Vote
from tests.conftest import play_to, player, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def finished(match):
    play_to(match, "second_half")
    publish(match=match, kind="substitution", minute=60, team=match.home_team,
            player=player(match.home_team, 9), player2=player(match.home_team, 12))  # fmt: skip
    publish(match=match, kind="full_time")
    match.refresh_from_db()
    return match


def test_marks_for_who_played_and_the_readers_beside_them(client, editor, finished):
    client.force_login(editor)
    nine, twelve, bench = (player(finished.home_team, n) for n in (9, 12, 13))
    answer = client.post(
        reverse("desk-marks", args=[finished.pk]),
        {
            f"mark-{nine.pk}": "6.5",
            f"judgement-{nine.pk}": "Generoso, poco preciso",
            f"mark-{twelve.pk}": "7",
        },
    ).content.decode()
    assert "Pagelle pubblicate: 2 voti" in answer
    assert Update.objects.filter(match=finished).latest("seq").action == "ratings"
    with pytest.raises(Exception, match="chi ha giocato"):
        ratings.marks_publish(match=finished, marks={bench.pk: ("6", "")}, editor=editor)
    client.logout()
    page = client.get(reverse("match-detail", args=[finished.pk])).content.decode()
    assert 'id="ratings"' in page and "Generoso, poco preciso" in page and 'href="#ratings"' in page
    url = reverse("match-vote", args=[finished.pk, nine.pk])
    origin = {"HTTP_ORIGIN": "http://testserver"}
    assert "Grazie: hai dato 8" in client.post(url, {"mark": "8"}, **origin).content.decode()
    again = client.post(url, {"mark": "4"}, **origin)  # the same browser (its cookie)
    assert again.status_code == 409 and "Hai già votato" in again.content.decode()
    client.cookies.clear()  # another browser
    client.post(url, {"mark": "7"}, **origin)
    (row,) = [r for r in ratings.ratings(match=finished) if r.player == nine]
    assert (row.mark.mark, row.average, row.votes) == (ratings.a_mark("6.5"), ratings.a_mark("7.5"), 2)
    # the votes wait for one refresh; it is one update however many votes came
    assert PendingRefresh.objects.filter(match=finished).count() == 1
    before = Update.objects.filter(match=finished).count()
    ratings.refresh(match_id=finished.pk)
    latest = Update.objects.filter(match=finished).latest("seq")
    assert Update.objects.filter(match=finished).count() == before + 1 and latest.action == "votes"
    assert f'id="rating-{nine.pk}"' in latest.html and "7,5" in latest.html  # in Italian


def test_bad_votes_are_refused_in_words_and_change_nothing(client, editor, finished):
    nine = player(finished.home_team, 9)
    url = reverse("match-vote", args=[finished.pk, nine.pk])
    origin = {"HTTP_ORIGIN": "http://testserver"}
    early = client.post(url, {"mark": "7"}, **origin)
    assert early.status_code == 400 and "quando escono le pagelle" in early.content.decode()
    Mark.objects.create(match=finished, player=nine, mark=6)
    for mark in ("11", "3.5", "6.3", "sei", ""):
        answer = client.post(url, {"mark": mark}, **origin)
        assert answer.status_code == 400 and "da 4 a 10" in answer.content.decode()
    assert client.post(url, {"mark": "7"}, HTTP_ORIGIN="https://altro.example").status_code == 403
    assert not Vote.objects.exists()
    # flooding from one address: refused with 429 past the limit
    players = [player(finished.home_team, n) for n in range(1, 12)] + [
        player(finished.away_team, n) for n in range(1, 12)
    ]
    for p in players:
        Mark.objects.get_or_create(match=finished, player=p, defaults={"mark": 6})
    codes = []
    for n in range(ratings.VOTES_PER_MINUTE + 3):
        client.cookies.clear()
        target = players[n % len(players)]
        codes.append(
            client.post(
                reverse("match-vote", args=[finished.pk, target.pk]), {"mark": "6"}, **origin
            ).status_code
        )
    assert codes.count(200) == ratings.VOTES_PER_MINUTE and codes[-1] == 429
    flood = client.post(reverse("match-vote", args=[finished.pk, nine.pk]), {"mark": "6"}, **origin)
    assert "Troppi voti" in flood.content.decode()
