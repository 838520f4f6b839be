from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _editors_group(sender, **kwargs):
    from django.contrib.auth.models import Group, Permission

    from .domain.permissions import ensure_editors_group

    ensure_editors_group(group_model=Group, permission_model=Permission)


def _match_changed(sender, match, **kwargs):
    from .domain.services import match_sheet_changed

    match_sheet_changed(match=match)


class CommentaryConfig(AppConfig):
    name = "commentary"
    verbose_name = _("Cronaca")

    def ready(self):
        # After the auth app's own handler has created the permissions (it runs first: it is listed first).
        post_migrate.connect(_editors_group, sender=self, dispatch_uid="commentary-editors-group")
        from matches.signals import match_changed

        match_changed.connect(_match_changed, dispatch_uid="commentary-match-changed")
