"""The newsroom's roles: a contributor writes drafts and proposes them, an editor publishes (approves) them;
nothing unpublished reaches a reader."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from commentary.models import Entry, Update
from tests.conftest import play_to

pytestmark = pytest.mark.django_db
PASSWORD = "x-Secret-123"


def member(django_user_model, username: str, group: str):
    user = django_user_model.objects.create_user(
        username, password=PASSWORD, is_staff=True, first_name=username.title()
    )
    user.groups.add(Group.objects.get(name=group))
    return user


def test_the_three_roles_come_from_a_migration():
    groups = {g.name: {p.codename for p in g.permissions.all()} for g in Group.objects.all()}
    assert {"Contributors", "Editors", "Administrators"} <= set(groups)
    assert "propose_entry" in groups["Contributors"] and "add_entry" not in groups["Contributors"]
    assert {"add_entry", "propose_entry", "delete_entry"} <= groups["Editors"]
    assert {"add_user", "delete_match"} <= groups["Administrators"] and "add_user" not in groups["Editors"]


def test_a_contributor_proposes_and_an_editor_approves(client, django_user_model, match):
    play_to(match, "first_half")
    writer = member(django_user_model, "marta", "Contributors")
    editor = member(django_user_model, "giulia", "Editors")
    client.force_login(writer)
    assert client.get(reverse("desk", args=[match.pk])).status_code == 200
    data = {"kind": "commentary", "added_minute": 0, "text": "Sugli spalti una coreografia enorme"}
    assert client.post(reverse("desk-publish", args=[match.pk]), data).status_code == 403
    answer = client.post(reverse("desk-propose", args=[match.pk]), data).content.decode()
    assert "Proposta inviata" in answer
    proposal = Entry.with_deleted.get(match=match, status="proposed")
    # nobody reads it yet: not the page, not the API, not the fans' frames, which only tell the desks to
    # look at their queue (the scoreboard as it stands)
    ring = Update.objects.filter(match=match).latest("seq")
    assert ring.action == "queue" and 'id="scoreboard"' in ring.html and "coreografia" not in ring.html
    assert not ring.ticker
    updates = Update.objects.filter(match=match).count()
    assert "coreografia" not in client.get(reverse("match-detail", args=[match.pk])).content.decode()
    assert "coreografia" not in client.get(f"/api/matches/{match.pk}/entries/").content.decode()
    # a contributor cannot approve her own proposal
    assert client.post(reverse("desk-draft-publish", args=[proposal.pk])).status_code == 403

    client.force_login(editor)
    queue = client.get(reverse("desk-drafts", args=[match.pk])).content.decode()
    assert "coreografia" in queue and "Approva e pubblica" in queue
    client.post(reverse("desk-draft-publish", args=[proposal.pk]))
    published = Entry.objects.get(match=match, text__contains="coreografia")
    assert published.author == writer and published.minute is not None
    update = Update.objects.filter(match=match).latest("seq")
    assert Update.objects.filter(match=match).count() == updates + 1
    assert update.action == "publish" and update.user == editor and update.entry_id == published.pk
    assert not Entry.with_deleted.filter(pk=proposal.pk).exists()
    # the byline is its author's
    assert "di Marta" in client.get(reverse("match-detail", args=[match.pk])).content.decode()


def test_a_draft_stays_its_authors_until_proposed(client, django_user_model, match):
    writer = member(django_user_model, "marta", "Contributors")
    other = member(django_user_model, "luca", "Contributors")
    client.force_login(writer)
    client.post(
        reverse("desk-draft", args=[match.pk]), {"kind": "commentary", "added_minute": 0, "text": "Idea"}
    )
    draft = Entry.with_deleted.get(match=match)
    assert draft.status == "draft" and Update.objects.filter(match=match).count() == 0
    client.force_login(other)
    assert "Idea" not in client.get(reverse("desk-drafts", args=[match.pk])).content.decode()
    assert client.post(reverse("desk-draft-discard", args=[draft.pk])).status_code == 403
    client.force_login(writer)
    client.post(reverse("desk-draft-propose", args=[draft.pk]))
    assert Entry.with_deleted.get(pk=draft.pk).status == "proposed"
    client.post(reverse("desk-draft-discard", args=[draft.pk]))
    assert not Entry.with_deleted.filter(pk=draft.pk).exists()


def test_a_scheduled_draft_goes_out_once_when_its_time_comes(match, editor):
    from datetime import timedelta

    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from commentary.domain import services
    from commentary.domain.drafts import EntryDraft

    draft = services.draft_save(match=match, draft=EntryDraft(text="Tra poco si comincia"), author=editor)
    with pytest.raises(ValidationError):
        services.draft_schedule(entry=draft, at=timezone.now() - timedelta(minutes=1), editor=editor)
    services.draft_schedule(entry=draft, at=timezone.now() + timedelta(hours=1), editor=editor)
    assert services.draft_publish_due(entry_pk=draft.pk) is None  # not yet
    Entry.with_deleted.filter(pk=draft.pk).update(publish_at=timezone.now())
    assert services.draft_publish_due(entry_pk=draft.pk, editor=editor) is not None
    assert services.draft_publish_due(entry_pk=draft.pk, editor=editor) is None  # once
    assert Entry.objects.filter(match=match, text__contains="si comincia").count() == 1
    assert services.drafts_catch_up() == 0


def test_a_proposal_about_a_moment_keeps_it_when_approved_later(match, editor):
    from commentary.domain import services
    from commentary.domain.drafts import EntryDraft

    play_to(match, "second_half")
    proposal = services.draft_save(
        match=match, draft=EntryDraft(text="Traversa piena!", minute=52), author=None, propose=True
    )
    published = services.draft_publish(entry=proposal, editor=editor)
    assert (published.period, published.minute) == ("second_half", 52)
