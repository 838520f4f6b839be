"""Who may do what: one Django permission per action, checked here for the desk and the admin alike.

| action   | permission                | desk URL                         | admin                        |
| -------- | ------------------------- | -------------------------------- | ---------------------------- |
| desk     | commentary.add_entry      | the desk page, its state         | —                            |
| publish  | commentary.add_entry      | publish                          | add an entry                 |
| edit     | commentary.change_entry   | edit an entry                    | change an entry              |
| delete   | commentary.delete_entry   | delete an entry                  | delete an entry              |
| pin      | commentary.pin_entry      | pin / unpin                      | the "pinned" field           |
| overturn | commentary.overturn_entry | VAR overturn, an overturning VAR | an overturning VAR outcome   |
| clock    | commentary.run_clock      | clock buttons, stoppage time     | clock and stoppage entries   |
| summary  | matches.change_match      | the summary                      | change a match               |

The "Editors" group (a data migration, kept by post_migrate) holds them all.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext as _

ACTIONS = {
    "desk": "commentary.add_entry",
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


EDITORS = "Editors"
EDITOR_PERMISSIONS = {
    "commentary": {
        "entry": ("add", "change", "delete", "view", "pin", "overturn"),
        "update": ("view",),
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


def ensure_editors_group(*, group_model, permission_model) -> None:
    """Create the group with its permissions, or complete it; running it again changes nothing.

    Called by the data migration (with historical models) and after every migrate/flush (post_migrate), so a
    database emptied by a test or an operator keeps the group.
    """
    group, _ = group_model.objects.get_or_create(name=EDITORS)
    for app_label, models in EDITOR_PERMISSIONS.items():
        for model, actions in models.items():
            codenames = [f"{action}_{model}" for action in actions] + EXTRA.get((app_label, model), [])
            group.permissions.add(
                *permission_model.objects.filter(content_type__app_label=app_label, codename__in=codenames)
            )


def migrate_editors_group(apps, schema_editor) -> None:
    """The data migrations' step (0002, 0004): make the permissions now (on a fresh database they are only
    created after all migrations, by post_migrate), then the group. The migration state's app configs are
    stubs that need models_module set to be accepted."""
    from django.contrib.auth.management import create_permissions

    for app_label in EDITOR_PERMISSIONS:
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    ensure_editors_group(
        group_model=apps.get_model("auth", "Group"), permission_model=apps.get_model("auth", "Permission")
    )
