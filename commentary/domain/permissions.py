"""Who may do what: one Django permission per action, checked here for the desk and the admin alike.

| action   | permission                | desk URL                         | admin                        |
| -------- | ------------------------- | -------------------------------- | ---------------------------- |
| desk     | commentary.propose_entry  | the desk page, its state, drafts | —                            |
| draft    | commentary.propose_entry  | save a draft, propose it         | —                            |
| publish  | commentary.add_entry      | publish                          | add an entry                 |
| edit     | commentary.change_entry   | edit an entry                    | change an entry              |
| delete   | commentary.delete_entry   | delete an entry                  | delete an entry              |
| pin      | commentary.pin_entry      | pin / unpin                      | the "pinned" field           |
| overturn | commentary.overturn_entry | VAR overturn, an overturning VAR | an overturning VAR outcome   |
| clock    | commentary.run_clock      | clock buttons, stoppage time     | clock and stoppage entries   |
| summary  | matches.change_match      | the summary                      | change a match               |

Three groups come from a data migration (and are kept by post_migrate), one per role:
- "Contributors" write drafts and propose them (desk, draft): nothing they write reaches readers until an
  editor publishes it;
- "Editors" hold every action: they publish, edit, delete and restore anyone's entries, and publish (approve)
  proposals;
- "Administrators" are editors who also manage the season (competitions, teams, matches) and the staff's
  accounts and groups.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext as _

ACTIONS = {
    "desk": "commentary.propose_entry",
    "draft": "commentary.propose_entry",
    "publish": "commentary.add_entry",
    "edit": "commentary.change_entry",
    "delete": "commentary.delete_entry",
    "pin": "commentary.pin_entry",
    "overturn": "commentary.overturn_entry",
    "clock": "commentary.run_clock",
    "summary": "matches.change_match",
}


def can(user, action: str) -> bool:
    """Whether `user` may do `action` (a key of ACTIONS): an active staff member with its permission."""
    return bool(user.is_active and user.is_staff and user.has_perm(ACTIONS[action]))


def requires(action: str):
    """A desk view for `action`: anonymous visitors go to the login page, anyone without it gets 403."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path(), reverse("admin:login"))
            if not can(request.user, action):
                raise PermissionDenied(
                    _("serve il permesso “%(permission)s”") % {"permission": ACTIONS[action]}
                )
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


CONTRIBUTORS, EDITORS, ADMINISTRATORS = "Contributors", "Editors", "Administrators"
CONTRIBUTOR_PERMISSIONS = {
    "commentary": {"entry": ("view", "propose")},
    "matches": {"match": ("view",), "team": ("view",), "player": ("view",), "competition": ("view",)},
}
EDITOR_PERMISSIONS = {
    "commentary": {
        "entry": ("add", "change", "delete", "view", "pin", "overturn", "propose"),
        "update": ("view",),
        "picture": ("view",),
    },
    "matches": {
        "match": ("add", "change", "view"),
        "lineupentry": ("add", "change", "delete", "view"),
        "team": ("view",),
        "player": ("add", "change", "view"),
        "competition": ("view",),
    },
}


EXTRA = {("commentary", "entry"): ["run_clock"]}  # custom permissions not named <action>_<model>
ADMINISTRATOR_PERMISSIONS = {
    "commentary": EDITOR_PERMISSIONS["commentary"],
    "matches": {
        model: ("add", "change", "delete", "view")
        for model in ("competition", "team", "player", "match", "lineupentry")
    },
    "auth": {"user": ("add", "change", "view"), "group": ("view",)},
}
GROUPS = [
    (CONTRIBUTORS, CONTRIBUTOR_PERMISSIONS, {}),
    (EDITORS, EDITOR_PERMISSIONS, EXTRA),
    (ADMINISTRATORS, ADMINISTRATOR_PERMISSIONS, EXTRA),
]


def ensure_editors_group(*, group_model, permission_model) -> None:
    """Create the three groups with their permissions, or complete them; running it again changes nothing.

    Called by the data migrations (with historical models) and after every migrate/flush (post_migrate), so a
    database emptied by a test or an operator keeps the groups.
    """
    for name, table, extra in GROUPS:
        group, _ = group_model.objects.get_or_create(name=name)
        for app_label, models in table.items():
            for model, actions in models.items():
                codenames = [f"{action}_{model}" for action in actions] + extra.get((app_label, model), [])
                found = permission_model.objects.filter(content_type__app_label=app_label)
                group.permissions.add(*found.filter(codename__in=codenames))


def migrate_editors_group(apps, schema_editor) -> None:
    """The data migrations' step (0002, 0004): make the permissions now (on a fresh database they are only
    created after all migrations, by post_migrate), then the group. The migration state's app configs are
    stubs that need models_module set to be accepted."""
    from django.contrib.auth.management import create_permissions

    for app_label in ADMINISTRATOR_PERMISSIONS:
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    ensure_editors_group(
        group_model=apps.get_model("auth", "Group"), permission_model=apps.get_model("auth", "Permission")
    )
