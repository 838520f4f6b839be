from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import services
from .forms import TabellinoForm
from .models import Competition, LineupEntry, Match, Player, Team
from .presenters import score
from .signals import match_changed
from .tabellino.resolve import tabellino_resolve


@admin.register(Competition)
class CompetitionAdmin(admin.ModelAdmin):
    list_display = ["name", "season", "matchdays"]
    search_fields = ["name", "season"]


class PlayerInline(admin.TabularInline):
    model = Player
    extra = 0
    fields = ["shirt_number", "name", "known_as", "position"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "code"]
    search_fields = ["name", "short_name", "code"]
    inlines = [PlayerInline]


@admin.register(Player)
class PlayerAdmin(admin.ModelAdmin):
    list_display = ["display_name", "shirt_number", "position", "team"]
    list_filter = ["team", "position"]
    search_fields = ["name", "known_as", "team__name"]
    list_select_related = ["team"]


class LineupInline(admin.TabularInline):
    model = LineupEntry
    extra = 0
    fields = ["team", "player", "role", "order"]
    autocomplete_fields = ["player"]
    ordering = ["team", "-role", "order"]


# Status, clock, stoppage time and score follow the entries (commentary.domain.services): read-only here.
FOLLOWS_THE_ENTRIES = [
    "status",
    "period_started_at",
    "score",
    "stoppage_first_half",
    "stoppage_second_half",
    "stoppage_extra_first_half",
    "stoppage_extra_second_half",
]


@admin.register(Match)
class MatchAdmin(admin.ModelAdmin):
    list_display = ["__str__", "competition", "matchday", "kickoff", "status", "score", "desk_link"]
    list_filter = ["status", "competition", "matchday"]
    search_fields = ["home_team__name", "away_team__name", "venue", "referee"]
    date_hierarchy = "kickoff"
    list_select_related = ["home_team", "away_team", "competition"]
    autocomplete_fields = ["home_team", "away_team", "competition"]
    readonly_fields = FOLLOWS_THE_ENTRIES
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "competition",
                    "matchday",
                    "round_name",
                    "home_team",
                    "away_team",
                    "kickoff",
                    "venue",
                    "referee",
                ]
            },
        ),
        ("Squadre", {"fields": ["home_formation", "home_coach", "away_formation", "away_coach"]}),
        (
            "Andamento",
            {"fields": FOLLOWS_THE_ENTRIES},
        ),
        ("Sintesi", {"fields": ["summary"]}),
    ]
    inlines = [LineupInline]

    @admin.display(description=gettext_lazy("Desk"))
    def desk_link(self, obj):
        # by URL name: the desk belongs to the commentary app, which this one never imports
        return format_html('<a href="{}">{}</a>', reverse("desk", args=[obj.pk]), _("Apri il desk"))

    def save_related(self, request, form, formsets, change):
        """After the line-up rows: a change a fan would see on the page is one update in its log."""
        super().save_related(request, form, formsets, change)
        if change and (form.has_changed() or any(formset.has_changed() for formset in formsets)):
            match_changed.send(sender=Match, match=form.instance)

    @admin.display(description="Risultato")
    def score(self, obj):
        return score(obj) or "–"

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/tabellino/",
                self.admin_site.admin_view(self.tabellino_view),
                name="{}_{}_tabellino".format(*info),
            ),
            *super().get_urls(),
        ]

    def tabellino_view(self, request, object_id):
        """Paste a tabellino, check how its names matched the squads, then save the line-ups.

        GET shows the text box; POST without "confirm" shows the preview; POST with "confirm" parses and
        matches the text again (the squads may have changed meanwhile) and saves through tabellino_apply.
        """
        opts = self.opts
        match = self.get_object(request, unquote(object_id))
        if match is None:
            return self._get_obj_does_not_exist_redirect(request, opts, object_id)
        if not self.has_change_permission(request, match):
            raise PermissionDenied
        resolved = None
        if request.method == "POST":
            form = TabellinoForm(request.POST)
            if form.is_valid():
                resolved = tabellino_resolve(match=match, tabellino=form.tabellino)
                if "confirm" in request.POST and not resolved.problems:
                    try:
                        services.tabellino_apply(match=match, resolved=resolved)
                    except ValidationError as error:
                        form.add_error(None, error)
                    else:
                        self.log_change(request, match, _("Formazioni incollate dal tabellino."))
                        self.message_user(
                            request,
                            _("Formazioni, moduli, allenatori e arbitro di %(match)s salvati.")
                            % {"match": match},
                            messages.SUCCESS,
                        )
                        change_url = f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change"
                        return redirect(reverse(change_url, args=[match.pk]))
        else:
            form = TabellinoForm()
        context = {
            **self.admin_site.each_context(request),
            "title": _("Incolla formazioni"),
            "subtitle": str(match),
            "opts": self.opts,
            "original": match,
            "form": form,
            "resolved": resolved,
            "has_lineup": match.lineup.exists(),
            "media": self.media + form.media,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/matches/match/tabellino.html", context)
