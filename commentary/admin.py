from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from commentary.domain import rules, services

from .domain.drafts import EntryDraft
from .domain.permissions import can
from .models import Entry, Update


class EntryAdminForm(forms.ModelForm):
    may_run_clock = False  # set per request by EntryAdmin.get_form (commentary.domain.permissions)

    class Meta:
        model = Entry
        fields = [
            "match",
            "period",
            "minute",
            "added_minute",
            "kind",
            "team",
            "player",
            "player2",
            "var_outcome",
            "stoppage_minutes",
            "overturns",
            "text",
            "pinned",
        ]

    def clean(self):
        data = super().clean()
        # An entry never moves to another match (its updates are in its match's log): on a change the field
        # is read-only, and the entry is validated against the match it belongs to.
        match = self.instance.match if self.instance.pk else data.get("match")
        if match is None or self.errors:
            return data
        kind = data.get("kind")
        if self.instance.pk and kind in rules.CLOCK_TRANSITIONS:
            return data  # an existing clock entry only has its words edited
        clock = kind in rules.CLOCK_TRANSITIONS or kind == Entry.Kind.STOPPAGE_TIME
        if clock and not self.instance.pk and not self.may_run_clock:
            self.add_error("kind", _("Non hai il permesso di muovere il cronometro."))
            return data
        if data.get("var_outcome") in rules.OVERTURNS and not self.may_overturn:
            self.add_error("var_outcome", _("Non hai il permesso di annullare un evento con il VAR."))
            return data
        try:
            rules.entry_validate(match=match, draft=EntryDraft.from_data(data), entry_pk=self.instance.pk)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
        return data


class DeletedFilter(admin.SimpleListFilter):
    title = _("cancellata")
    parameter_name = "deleted"

    def lookups(self, request, model_admin):
        return [("yes", _("sì")), ("no", _("no"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(deleted_at__isnull=self.value() == "no")
        return queryset


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    """Every save and delete goes through commentary.domain.services, so fans see admin edits live too."""

    form = EntryAdminForm
    list_display = ["__str__", "match", "team", "player", "pinned", "author", "created_at", "deleted_at"]
    list_filter = ["kind", "pinned", DeletedFilter, "match__competition"]
    actions = ["restore"]
    search_fields = [
        "text",
        "player__name",
        "player__known_as",
        "match__home_team__name",
        "match__away_team__name",
    ]
    list_select_related = ["match__home_team", "match__away_team", "team", "player", "author"]
    autocomplete_fields = ["match", "team", "player", "player2"]
    readonly_fields = [
        *("overturned", "author", "edited_by", "created_at", "edited_at"),
        *("deleted_at", "deleted_by"),
    ]
    raw_id_fields = ["overturns"]

    def get_queryset(self, request):
        """Deleted entries too: they are kept so an editor can restore them (readers never see them)."""
        return Entry.with_deleted.select_related(*self.list_select_related)

    @admin.action(description=_("Ripristina le voci cancellate selezionate"), permissions=["delete"])
    def restore(self, request, queryset):
        restored = 0
        for entry in queryset.filter(deleted_at__isnull=False).order_by("pk"):
            try:
                services.entry_restore(entry=entry, editor=request.user)
                restored += 1
            except ValidationError as error:
                self.message_user(request, f"{entry}: {' '.join(error.messages)}", messages.ERROR)
        self.message_user(request, _("Voci ripristinate: %(count)d.") % {"count": restored}, messages.SUCCESS)

    def get_readonly_fields(self, request, obj=None):
        fields = [*self.readonly_fields]
        if obj is not None:
            fields.append("match")
        if not can(request.user, "pin"):
            fields.append("pinned")
        return fields

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.may_run_clock = can(request.user, "clock")
        form.may_overturn = can(request.user, "overturn")
        return form

    def save_model(self, request, obj, form, change):
        data = {"pinned": False, **form.cleaned_data}
        if not change:
            entry = services.entry_publish(
                match=data["match"], draft=EntryDraft.from_data(data), author=request.user
            )
            if data["pinned"]:
                entry = services.entry_pin(entry=entry, pinned=True, editor=request.user)
            obj.pk = entry.pk
            return
        changes = {name: data[name] for name in form.changed_data if name in services.EDITABLE_FIELDS}
        if changes:
            services.entry_update(entry=obj, editor=request.user, **changes)
        if "pinned" in form.changed_data:
            services.entry_pin(entry=obj, pinned=data["pinned"], editor=request.user)

    def delete_model(self, request, obj):
        services.entry_delete(entry=obj, editor=request.user)

    def delete_queryset(self, request, queryset):
        for entry in queryset:
            services.entry_delete(entry=entry, editor=request.user)


@admin.register(Update)
class UpdateAdmin(admin.ModelAdmin):
    """The audit trail: every change fans saw (publish, edit, delete, restore, pin, the clock, the match's
    data), numbered, with who made it and when."""

    list_display = ["match", "seq", "action", "entry_id", "user", "created_at"]
    list_filter = ["action", "user"]
    list_select_related = ["match__home_team", "match__away_team", "user"]
    search_fields = ["match__home_team__name", "match__away_team__name", "entry_id"]
    readonly_fields = ["match", "seq", "action", "entry_id", "user", "html", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


admin.site.site_header = _("Diretta · redazione")
admin.site.site_title = "Diretta"
admin.site.index_title = _("Redazione")
