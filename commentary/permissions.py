"""The "Editors" group: who may run the live desk and keep matches and line-ups up to date."""

EDITORS = "Editors"
EDITOR_PERMISSIONS = {
    "commentary": {"entry": ("add", "change", "delete", "view"), "update": ("view",)},
    "matches": {
        "match": ("change", "view"),
        "lineupentry": ("add", "change", "delete", "view"),
        "team": ("view",),
        "player": ("add", "change", "view"),
        "competition": ("view",),
    },
}


def ensure_editors_group(*, group_model, permission_model) -> None:
    """Create the group with its permissions, or complete it; running it again changes nothing.

    Called by the data migration (with historical models) and after every migrate/flush (post_migrate), so a
    database emptied by a test or an operator keeps the group.
    """
    group, _ = group_model.objects.get_or_create(name=EDITORS)
    for app_label, models in EDITOR_PERMISSIONS.items():
        for model, actions in models.items():
            codenames = [f"{action}_{model}" for action in actions]
            group.permissions.add(
                *permission_model.objects.filter(content_type__app_label=app_label, codename__in=codenames)
            )
