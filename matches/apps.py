from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchesConfig(AppConfig):
    name = "matches"
    verbose_name = _("Partite")

    def ready(self):
        from . import converters  # noqa: F401  (registers the <id:…> path converter before URLs load)
