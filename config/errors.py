"""The 403 page: says who is signed in, what the page needed and whom to ask, in the admin's look."""

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from commentary.domain.permissions import EDITORS

VERBS = {
    "add": gettext_lazy("aggiungere"),
    "change": gettext_lazy("modificare"),
    "delete": gettext_lazy("eliminare"),
    "": gettext_lazy("vedere"),
}


def permission_denied(request, exception: PermissionDenied):
    """handler403: the reason the view gave (the desk names the permission), else what an admin URL asks."""
    reason = str(exception) if str(exception) else _needed_in_admin(request.path)
    context = {"reason": reason, "editors": EDITORS, "title": _("Permesso negato")}
    return TemplateResponse(request, "403.html", context, status=403)


def _needed_in_admin(path: str) -> str:
    """ "/admin/matches/team/add/" → "aggiungere: squadre"; "" for a path that names no model."""
    parts = [p for p in path.split("/") if p]
    if len(parts) < 3 or parts[0] != "admin":
        return ""
    try:
        model = apps.get_model(parts[1], parts[2])
    except (LookupError, ValueError):
        return ""
    action = next((p for p in reversed(parts[3:]) if p in VERBS), "change" if len(parts) > 3 else "")
    return _("serve il permesso di %(verb)s: %(things)s") % {
        "verb": VERBS[action],
        "things": model._meta.verbose_name_plural,
    }
