from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test.html import parse_html
from django.urls import reverse
from django.utils import timezone

from commentary.domain import services
from commentary.models import Entry, Update
from matches.models import Match
from tests.conftest import play_to, player, publish

Kind = Entry.Kind
pytestmark = pytest.mark.django_db


def kick_off(match, **kwargs):
    return publish(match=match, kind=Kind.KICK_OFF, **kwargs)


def test_kick_off_starts_the_match_at_nil_nil(match):
    entry = kick_off(match)
    match.refresh_from_db()
    assert match.status == Match.Status.FIRST_HALF
    assert (match.home_score, match.away_score) == (0, 0)
    assert entry.period == Entry.Period.FIRST_HALF
    assert entry.minute_label == "1′"


def test_publish_goal_updates_score_and_half_time_score(match):
    kick_off(match)
    publish(
        match=match,
        kind=Kind.GOAL,
        minute=3,
        team=match.home_team,
        player=player(match.home_team, 10),
        text="Gol!",
    )
    publish(
        match=match,
        kind=Kind.PENALTY_GOAL,
        minute=42,
        team=match.away_team,
        player=player(match.away_team, 7),
    )
    publish(match=match, kind=Kind.HALF_TIME, minute=45, added_minute=3)
    publish(match=match, kind=Kind.SECOND_HALF)
    publish(match=match, kind=Kind.GOAL, minute=70, team=match.away_team, player=player(match.away_team, 9))
    match.refresh_from_db()
    assert (match.home_score, match.away_score) == (1, 2)
    assert (match.home_score_half_time, match.away_score_half_time) == (1, 1)


def test_own_goal_counts_for_the_other_side(match):
    kick_off(match)
    publish(
        match=match, kind=Kind.OWN_GOAL, minute=20, team=match.home_team, player=player(match.home_team, 4)
    )
    match.refresh_from_db()
    assert (match.home_score, match.away_score) == (0, 1)


def test_a_var_entry_written_in_the_composer_overturns_the_goal_it_names(match):
    kick_off(match)
    goal = publish(
        match=match, kind=Kind.GOAL, minute=30, team=match.home_team, player=player(match.home_team, 9)
    )
    var = publish(
        match=match,
        kind=Kind.VAR_CHECK,
        minute=32,
        team=match.home_team,
        var_outcome=Entry.VarOutcome.GOAL_OVERTURNED,
        text="Fuorigioco di Giroud.",
    )
    match.refresh_from_db()
    assert (match.home_score, match.away_score) == (0, 0)
    assert var.overturns == goal and Entry.objects.get(pk=goal.pk).overturned
    # the fans got the goal marked overturned, then the VAR entry with the new score
    edit, published = Update.objects.filter(match=match).order_by("-seq")[:2][::-1]
    assert (edit.action, edit.entry_id) == (Update.Action.EDIT, goal.pk)
    assert "annullato dal VAR" in edit.html
    assert published.entry_id == var.pk and 'data-score="home">0<' in published.html


def test_deleting_the_var_entry_gives_the_goal_back(match):
    kick_off(match)
    goal = publish(
        match=match, kind=Kind.GOAL, minute=30, team=match.home_team, player=player(match.home_team, 9)
    )
    var = services.goal_overturn(entry=goal)
    services.entry_delete(entry=var)
    match.refresh_from_db()
    assert (match.home_score, match.away_score) == (1, 0)
    assert not Entry.objects.get(pk=goal.pk).overturned


def test_a_var_decision_names_an_event_it_can_overturn(match):
    kick_off(match)
    goal = publish(
        match=match, kind=Kind.GOAL, minute=30, team=match.home_team, player=player(match.home_team, 9)
    )
    with pytest.raises(ValidationError) as refused:  # no red card to overturn
        publish(
            match=match,
            kind=Kind.VAR_CHECK,
            team=match.away_team,
            var_outcome=Entry.VarOutcome.RED_CARD_OVERTURNED,
        )
    assert "overturns" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:  # a goal is not a red card
        publish(
            match=match,
            kind=Kind.VAR_CHECK,
            team=match.home_team,
            var_outcome=Entry.VarOutcome.RED_CARD_OVERTURNED,
            overturns=goal,
        )
    assert "non può annullare" in refused.value.message_dict["overturns"][0]
    services.goal_overturn(entry=goal)
    with pytest.raises(ValidationError) as refused:
        services.goal_overturn(entry=goal)
    assert "già stato annullato" in refused.value.message_dict["overturns"][0]
    assert Entry.objects.filter(kind=Kind.VAR_CHECK).count() == 1


def test_a_red_card_overturned_puts_the_player_back_on_the_pitch(match):
    kick_off(match)
    red = publish(
        match=match, kind=Kind.RED_CARD, minute=30, team=match.home_team, player=player(match.home_team, 9)
    )
    publish(
        match=match,
        kind=Kind.VAR_CHECK,
        minute=33,
        team=match.home_team,
        var_outcome=Entry.VarOutcome.RED_CARD_OVERTURNED,
    )
    assert Entry.objects.get(pk=red.pk).overturned
    scoreboard = Update.objects.filter(match=match).order_by("-seq").first().html
    assert "scoreboard__red" not in scoreboard


def test_deleting_a_goal_recomputes_the_score(match):
    kick_off(match)
    goal = publish(
        match=match, kind=Kind.GOAL, minute=30, team=match.home_team, player=player(match.home_team, 9)
    )
    services.entry_delete(entry=goal)
    match.refresh_from_db()
    assert match.home_score == 0
    assert not Entry.objects.filter(pk=goal.pk).exists()


def test_clock_entries_walk_the_match_to_full_time(match):
    start = timezone.now() - timedelta(minutes=120)
    for kind, status in [
        (Kind.KICK_OFF, Match.Status.FIRST_HALF),
        (Kind.HALF_TIME, Match.Status.HALF_TIME),
        (Kind.SECOND_HALF, Match.Status.SECOND_HALF),
        (Kind.FULL_TIME, Match.Status.FINISHED),
    ]:
        publish(match=match, kind=kind, at=start)
        match.refresh_from_db()
        assert match.status == status


def test_clock_entry_out_of_order_is_refused_with_a_field_error(match):
    with pytest.raises(ValidationError) as error:
        publish(match=match, kind=Kind.HALF_TIME)
    assert "kind" in error.value.message_dict
    assert not Entry.objects.exists()
    assert not Update.objects.exists()


def test_player_of_the_wrong_team_is_refused(match):
    kick_off(match)
    with pytest.raises(ValidationError) as error:
        publish(
            match=match, kind=Kind.GOAL, minute=5, team=match.home_team, player=player(match.away_team, 9)
        )
    assert "player" in error.value.message_dict
    assert Entry.objects.count() == 1


def test_substitution_needs_both_players(match):
    kick_off(match)
    with pytest.raises(ValidationError) as error:
        publish(
            match=match,
            kind=Kind.SUBSTITUTION,
            minute=60,
            team=match.home_team,
            player=player(match.home_team, 9),
        )
    assert "player2" in error.value.message_dict


def test_match_minute_comes_from_the_clock(match):
    kick_off(match, at=timezone.now() - timedelta(minutes=47, seconds=10))
    entry = publish(match=match, text="Si gioca ancora")
    assert (entry.minute, entry.added_minute) == (45, 3)
    assert entry.minute_label == "45+3′"


def test_stoppage_time_announcement_is_stored_on_the_match(match):
    kick_off(match)
    publish(match=match, kind=Kind.STOPPAGE_TIME, minute=45, stoppage_minutes=4)
    match.refresh_from_db()
    assert match.stoppage_first_half == 4


def test_text_is_sanitised_and_light_markup_kept(match):
    entry = publish(
        match=match,
        text='**Che gol!** <script>alert(1)</script><a href="javascript:alert(2)">x</a> <i>ok</i>',
    )
    assert "<strong>Che gol!</strong>" in entry.text
    assert "<em>ok</em>" in entry.text  # one way to say each: <i> is stored as <em>
    assert "<script>" not in entry.text and "&lt;script&gt;alert(1)" in entry.text  # shown, never run
    assert "javascript" not in entry.text


def test_every_write_appends_one_numbered_update(match):
    kick_off(match)
    entry = publish(match=match, text="Primo affondo")
    services.entry_update(entry=entry, text="Primo affondo del Milan")
    services.entry_pin(entry=entry, pinned=True)
    services.entry_delete(entry=entry)
    services.match_set_status(match=match, status=Match.Status.ABANDONED)
    updates = list(Update.objects.filter(match=match).values_list("seq", "action"))
    assert updates == [
        (1, "publish"),
        (2, "publish"),
        (3, "edit"),
        (4, "pin"),
        (5, "delete"),
        (6, "status"),
    ]


def test_update_frames_carry_their_sequence_number_on_every_top_level_element(match):
    kick_off(match)
    goal = publish(
        match=match, kind=Kind.GOAL, minute=3, team=match.home_team, player=player(match.home_team, 10)
    )
    update = Update.objects.get(match=match, entry_id=goal.pk)
    assert f'id="entry-{goal.pk}"' in update.html
    assert 'id="scoreboard"' in update.html
    top_level = [child for child in parse_html(update.html).children if not isinstance(child, str)]
    assert len(top_level) >= 2  # the entry and the scoreboard (a goal brings the match sheet too)
    assert all(dict(element.attributes).get("data-seq") == str(update.seq) for element in top_level)


def test_stale_edit_is_refused(match):
    entry = publish(match=match, text="Versione uno")
    services.entry_update(entry=entry, version=1, text="Versione due")
    with pytest.raises(services.StaleEntryError):
        services.entry_update(entry=entry, version=1, text="Versione tre, in ritardo")
    assert Entry.objects.get(pk=entry.pk).text == "Versione due"


def test_one_pinned_entry_at_a_time(match):
    first = publish(match=match, text="Uno")
    second = publish(match=match, text="Due")
    services.entry_pin(entry=first, pinned=True)
    services.entry_pin(entry=second, pinned=True)
    assert list(Entry.objects.filter(pinned=True)) == [second]


def test_broadcast_happens_only_after_commit(match, django_capture_on_commit_callbacks, monkeypatch):
    sent = []
    monkeypatch.setattr("commentary.domain.services.announce", lambda **kw: sent.append(kw))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        publish(match=match, text="Prima del fischio")
        assert sent == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert sent[0]["seq"] == 1 and "Prima del fischio" in sent[0]["frames"]["it"]


def test_failed_publish_leaves_nothing_behind(match, monkeypatch):
    def broken_render(**kwargs):
        raise RuntimeError("template exploded")

    monkeypatch.setattr("commentary.domain.services.render_update", broken_render)
    with pytest.raises(RuntimeError):
        publish(match=match, kind=Kind.KICK_OFF)
    match.refresh_from_db()
    assert match.status == Match.Status.SCHEDULED
    assert not Entry.objects.exists()
    assert not Update.objects.exists()


def test_second_yellow_becomes_a_sending_off(match):
    play_to(match, "second_half")
    booked = player(match.away_team, 5)
    publish(
        match=match,
        kind=Kind.YELLOW_CARD,
        period="first_half",
        minute=20,
        team=match.away_team,
        player=booked,
    )
    second = publish(match=match, kind=Kind.YELLOW_CARD, minute=60, team=match.away_team, player=booked)
    assert second.kind == Kind.SECOND_YELLOW
    with pytest.raises(ValidationError) as error:
        publish(match=match, kind=Kind.GOAL, minute=70, team=match.away_team, player=booked)
    assert "non è in campo" in error.value.message_dict["player"][0]


def test_substitution_rules_follow_the_team_sheet(match):
    play_to(match, "second_half")
    home = match.home_team
    publish(
        match=match,
        kind=Kind.SUBSTITUTION,
        minute=60,
        team=home,
        player=player(home, 9),
        player2=player(home, 12),
    )
    with pytest.raises(ValidationError) as off_again:
        publish(
            match=match,
            kind=Kind.SUBSTITUTION,
            minute=70,
            team=home,
            player=player(home, 9),
            player2=player(home, 13),
        )
    assert "player" in off_again.value.message_dict
    with pytest.raises(ValidationError) as on_again:
        publish(
            match=match,
            kind=Kind.SUBSTITUTION,
            minute=70,
            team=home,
            player=player(home, 8),
            player2=player(home, 12),
        )
    assert "player2" in on_again.value.message_dict
    with pytest.raises(ValidationError) as starter_on:
        publish(
            match=match,
            kind=Kind.SUBSTITUTION,
            minute=70,
            team=home,
            player=player(home, 8),
            player2=player(home, 7),
        )
    assert "player2" in starter_on.value.message_dict
    # the substitute can now score, the substituted player cannot
    publish(match=match, kind=Kind.GOAL, minute=80, team=home, player=player(home, 12))
    with pytest.raises(ValidationError):
        publish(match=match, kind=Kind.GOAL, minute=81, team=home, player=player(home, 9))


def test_control_characters_are_dropped_from_text_and_summary(match):
    entry = publish(match=match, text="\x00Gol\x1b[31m!\nSecondo rigo")
    assert entry.text == "Gol[31m!\nSecondo rigo"
    assert services.match_summary_set(match=match, summary="\x00Sintesi\x07").summary == "Sintesi"


def test_overturning_a_goal_twice_is_one_overturn(match):
    kick_off(match)
    goal = publish(
        match=match, kind=Kind.GOAL, minute=5, team=match.home_team, player=player(match.home_team, 9)
    )
    services.goal_overturn(entry=goal)
    before = Update.objects.filter(match=match).count()
    with pytest.raises(ValidationError) as refused:
        services.goal_overturn(entry=Entry.objects.get(pk=goal.pk))
    assert "già stato annullato" in str(refused.value)
    assert Entry.objects.filter(match=match, kind=Kind.VAR_CHECK).count() == 1
    assert Update.objects.filter(match=match).count() == before
    match.refresh_from_db()
    assert match.home_score == 0


def test_stoppage_time_is_refused_once_the_match_is_over(match):
    for kind in (Kind.KICK_OFF, Kind.HALF_TIME, Kind.SECOND_HALF, Kind.FULL_TIME):
        publish(match=match, kind=kind)
        match.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        publish(match=match, kind=Kind.STOPPAGE_TIME, minute=90, stoppage_minutes=4)
    assert "stoppage_minutes" in refused.value.message_dict
    assert not Entry.objects.filter(match=match, kind=Kind.STOPPAGE_TIME).exists()


def test_a_line_of_commentary_reads_nothing_but_the_match(match, django_assert_max_num_queries):
    """The editor's most frequent write: lock the match, write the entry, number it, store its frame. No rule
    needs the match's history for a line that names nobody, and it cannot move the score."""
    play_to(match, "first_half")
    home = match.home_team
    for minute in range(2, 12):
        publish(match=match, kind="yellow_card", minute=minute, team=home, player=player(home, minute))
    with django_assert_max_num_queries(6):  # the four statements, inside a savepoint and its release
        publish(match=match, text="Ritmi bassi a centrocampo")
    assert match.entries.count() == 12


def test_a_deleted_entry_leaves_every_reader_but_is_kept_and_restored_live(client, match, editor):
    play_to(match, "first_half")
    home = match.home_team
    goal = publish(match=match, kind="goal", minute=7, team=home, player=player(home, 9), author=editor)
    services.entry_delete(entry=goal, editor=editor)
    match.refresh_from_db()
    assert match.home_score == 0 and not match.entries.filter(pk=goal.pk).exists()
    page = client.get(reverse("match-detail", args=[match.pk])).content.decode()
    api = client.get(f"/api/matches/{match.pk}/entries/").json()
    assert f'id="entry-{goal.pk}"' not in page and goal.pk not in [e["id"] for e in api["entries"]]
    kept = Entry.with_deleted.get(pk=goal.pk)
    assert kept.deleted_by == editor and kept.deleted_at is not None

    services.entry_restore(entry=kept, editor=editor)
    match.refresh_from_db()
    assert match.home_score == 1 and match.entries.filter(pk=goal.pk).exists()
    restore = Update.objects.filter(match=match).latest("seq")
    assert restore.action == "restore" and restore.user == editor
    assert f'id="entry-{goal.pk}"' in restore.html and 'id="scoreboard"' in restore.html
    # the audit trail: who did what, in order
    trail = list(Update.objects.filter(match=match, entry_id=goal.pk).values_list("action", "user"))
    assert trail == [("publish", editor.pk), ("delete", editor.pk), ("restore", editor.pk)]


def test_a_deleted_whistle_is_not_restored(match):
    kick_off = publish(match=match, kind="kick_off")
    services.entry_delete(entry=kick_off)
    with pytest.raises(ValidationError, match="fischio"):
        services.entry_restore(entry=Entry.with_deleted.get(pk=kick_off.pk))
    match.refresh_from_db()
    assert match.status == "scheduled"
