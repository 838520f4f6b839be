"""Every desk and admin write, walked by every role: allowed exactly when the role holds the action's own
permission (commentary.domain.permissions), refused otherwise — and a refusal changes nothing."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from commentary.domain import services
from commentary.domain.drafts import EntryDraft
from commentary.domain.permissions import ACTIONS
from commentary.models import Entry, ReaderMessage, Update
from tests.conftest import make_match, player, publish

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "fan", "staff", *sorted(set(ACTIONS.values())), "contributor", "editor", "superuser"]


def make_user(role: str, django_user_model):
    if role == "anonymous":
        return None
    if role == "superuser":
        return django_user_model.objects.create_superuser(role, password="x-Secret-123")
    user = django_user_model.objects.create_user(role, password="x-Secret-123", is_staff=role != "fan")
    if role == "editor":
        user.groups.add(Group.objects.get(name="Editors"))
    elif role == "contributor":
        user.groups.add(Group.objects.get(name="Contributors"))
    elif "." in role:
        app_label, codename = role.split(".")
        permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
        user.user_permissions.add(permission)
    return user


def holds(role: str, action: str) -> bool:
    if role == "contributor":  # the Contributors group: drafts and proposals, nothing a reader sees
        return ACTIONS[action] == "commentary.propose_entry"
    return role in ("editor", "superuser") or role == ACTIONS[action]


@pytest.fixture
def scene(db):
    """A match under way with a goal on the board: something to edit, pin, delete and overturn."""
    match = make_match()
    publish(match=match, kind=Entry.Kind.KICK_OFF)
    goal = publish(
        match=match, kind=Entry.Kind.GOAL, minute=10, team=match.home_team, player=player(match.home_team, 9)
    )
    match.deleted = publish(match=match, text="Tolta per sbaglio")
    services.entry_delete(entry=match.deleted)
    services.stat_log(match=match, team=match.home_team, kind="corner")
    match.letter = ReaderMessage.objects.create(match=match, text="Forza!", address="x")
    match.proposal = services.draft_save(
        match=match, draft=EntryDraft(text="Una proposta"), author=None, propose=True
    )
    return match, goal


# (name, method, url, data, action); data and url get the scene's match and goal
DESK = [
    ("desk", "get", lambda m, g: reverse("desk", args=[m.pk]), {}, "desk"),
    ("desk state", "get", lambda m, g: reverse("desk-state", args=[m.pk]), {}, "desk"),
    ("publish", "post", lambda m, g: reverse("desk-publish", args=[m.pk]),
     {"kind": "commentary", "added_minute": 0, "text": "Pressione alta"}, "publish"),
    ("clock", "post", lambda m, g: reverse("desk-clock", args=[m.pk]), {"kind": "half_time"}, "clock"),
    ("stoppage", "post", lambda m, g: reverse("desk-stoppage", args=[m.pk]), {"stoppage_minutes": 3},
     "clock"),
    ("summary", "post", lambda m, g: reverse("desk-summary", args=[m.pk]), {"summary": "Partita vivace"},
     "summary"),
    ("edit form", "get", lambda m, g: reverse("desk-entry-edit", args=[g.pk]), {}, "edit"),
    ("edit", "post", lambda m, g: reverse("desk-entry-edit", args=[g.pk]),
     {"kind": "goal", "minute": 11, "added_minute": 0, "team": "home", "player": "9", "text": "Corretto",
      "version": "1"}, "edit"),
    ("delete", "post", lambda m, g: reverse("desk-entry-delete", args=[g.pk]), {}, "delete"),
    ("restore", "post", lambda m, g: reverse("desk-entry-restore", args=[m.deleted.pk]), {}, "delete"),
    ("draft", "post", lambda m, g: reverse("desk-draft", args=[m.pk]),
     {"kind": "commentary", "added_minute": 0, "text": "Per dopo"}, "draft"),
    ("propose", "post", lambda m, g: reverse("desk-propose", args=[m.pk]),
     {"kind": "commentary", "added_minute": 0, "text": "Da approvare"}, "draft"),
    ("drafts", "get", lambda m, g: reverse("desk-drafts", args=[m.pk]), {}, "desk"),
    ("approve", "post", lambda m, g: reverse("desk-draft-publish", args=[m.proposal.pk]), {}, "publish"),
    ("stat", "post", lambda m, g: reverse("desk-stat", args=[m.pk]), {"team": "away", "kind": "foul"},
     "publish"),
    ("stat undo", "post", lambda m, g: reverse("desk-stat-undo", args=[m.pk]), {}, "publish"),
    ("letters", "get", lambda m, g: reverse("desk-letters", args=[m.pk]), {}, "publish"),
    ("quote", "post", lambda m, g: reverse("desk-letter-quote", args=[m.letter.pk]), {}, "publish"),
    ("dismiss", "post", lambda m, g: reverse("desk-letter-dismiss", args=[m.letter.pk]), {}, "publish"),
    ("pin", "post", lambda m, g: reverse("desk-entry-pin", args=[g.pk]), {}, "pin"),
    ("overturn", "post", lambda m, g: reverse("desk-entry-overturn", args=[g.pk]), {}, "overturn"),
]  # fmt: skip


def state(match):
    match.refresh_from_db()
    drafts = Entry.with_deleted.filter(match=match).exclude(status="published").count()
    return (
        Update.objects.filter(match=match).count(),
        match.summary,
        match.status,
        drafts,
        match.stats.count(),
        match.reader_messages.filter(status="new").count(),
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "method", "url", "data", "action"), DESK, ids=[d[0] for d in DESK])
def test_desk_url_by_role(client, django_user_model, scene, role, name, method, url, data, action):
    match, goal = scene
    user = make_user(role, django_user_model)
    if user is not None:
        client.force_login(user)
    before = state(match)
    if "version" in data:
        data = {**data, "version": goal.version}
    response = getattr(client, method)(url(match, goal), data, HTTP_HX_REQUEST="true")
    if role == "anonymous":
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    elif holds(role, action):
        assert response.status_code in (200, 204), response.content[:300]
        if method == "post":
            assert state(match) != before, f"{name}: allowed, but nothing happened"
        return
    else:
        assert response.status_code == 403
    assert state(match) == before, f"{name}: refused to {role}, yet something changed"


ADMIN = [
    ("admin add", lambda m, g: reverse("admin:commentary_entry_add"), "publish"),
    ("admin change", lambda m, g: reverse("admin:commentary_entry_change", args=[g.pk]), "edit"),
    ("admin delete", lambda m, g: reverse("admin:commentary_entry_delete", args=[g.pk]), "delete"),
]


def admin_data(name, match, goal):
    if name == "admin delete":
        return {"post": "yes"}
    return {
        "match": match.pk,
        "period": "first_half",
        "minute": 12,
        "added_minute": 0,
        "kind": "commentary" if name == "admin add" else "goal",
        "team": match.home_team.pk if name != "admin add" else "",
        "player": goal.player.pk if name != "admin add" else "",
        "text": "Dall'admin",
        "_save": "1",
    }


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "url", "action"), ADMIN, ids=[a[0] for a in ADMIN])
def test_admin_url_by_role(client, django_user_model, scene, role, name, url, action):
    match, goal = scene
    user = make_user(role, django_user_model)
    if user is not None:
        client.force_login(user)
    before = state(match)
    response = client.post(url(match, goal), admin_data(name, match, goal))
    if role in ("anonymous", "fan"):
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    elif holds(role, action):
        assert response.status_code == 302, response.content[:500]
        assert "/admin/login/" not in response["Location"]
        assert state(match) != before
        return
    else:
        assert response.status_code == 403
    assert state(match) == before


def test_admin_without_pin_permission_cannot_pin(client, django_user_model, scene):
    match, goal = scene
    user = make_user("commentary.change_entry", django_user_model)
    client.force_login(user)
    data = {**admin_data("admin change", match, goal), "pinned": "on"}
    client.post(reverse("admin:commentary_entry_change", args=[goal.pk]), data)
    goal.refresh_from_db()
    assert not goal.pinned


def test_a_refusal_is_a_styled_page_that_says_what_to_ask_for(client, django_user_model, scene):
    client.force_login(make_user("editor", django_user_model))
    response = client.get("/admin/matches/team/add/")  # Editors see the teams but do not add them
    assert response.status_code == 403
    text = response.text
    assert (
        "Permesso negato" in text and 'id="content-main"' in text
    )  # the admin's page, not Django's bare one
    assert (
        "Il tuo account «editor» non può aprire questa pagina: serve il permesso di aggiungere: squadre."
        in text
    )
    assert "gruppo «Editors»" in text

    client.force_login(make_user("staff", django_user_model))
    response = client.get(reverse("desk", args=[scene[0].pk]))
    assert response.status_code == 403
    assert "serve il permesso “commentary.propose_entry”" in response.text


def test_an_editor_adds_a_match(client, django_user_model, scene):
    """The issue's report: the Editors group could not add a match (an unstyled 403)."""
    match = scene[0]
    client.force_login(make_user("editor", django_user_model))
    assert client.get("/admin/matches/match/add/").status_code == 200
    response = client.post(
        "/admin/matches/match/add/",
        {
            "competition": match.competition.pk,
            "home_team": match.away_team.pk,
            "away_team": match.home_team.pk,
            "kickoff_0": "2025-10-01",
            "kickoff_1": "20:45",
            "status": "scheduled",
            "lineup-TOTAL_FORMS": 0,
            "lineup-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302
    assert match.__class__.objects.filter(home_team=match.away_team, away_team=match.home_team).exists()
