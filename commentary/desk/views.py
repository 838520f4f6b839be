"""The live desk: one page per match, inside the admin, to run a whole match from the keyboard.

Views collect input and call commentary.domain.services; what fans see comes back to the desk through the same
websocket channel, so two editors on one match see each other's entries as they land.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from commentary.domain import rules, services
from commentary.domain.drafts import EntryDraft
from commentary.domain.markup import text_source
from commentary.domain.messages import message_dismiss, message_quote
from commentary.domain.permissions import can, requires
from commentary.domain.pictures import picture_discard, picture_upload
from commentary.domain.ratings import MARKS, marks_publish, who_played
from commentary.domain.rendering import scoreboard_context
from commentary.domain.selectors import feed_entries, last_seq, pitch
from commentary.domain.stats import match_stats
from commentary.models import CLOCK_KINDS, Entry, ReaderMessage, Stat
from matches.models import Match, Player
from matches.tabellino.resolve import missing_players, tabellino_resolve

from .forms import ClockForm, DeskEntryForm, DeskTabellinoForm, StoppageForm, player_label

TEMPLATE = "commentary/desk.html"
K = Entry.Kind


def _match(pk: int) -> Match:
    return get_object_or_404(Match.objects.with_teams(), pk=pk)


def _players(match: Match) -> list[Player]:
    return list(
        Player.objects.filter(team__in=[match.home_team_id, match.away_team_id]).select_related("team")
    )


def _state_context(match: Match, *, now=None, players=None, entries=None) -> dict:
    """What the desk's clock buttons and player pickers need."""
    players = players if players is not None else _players(match)
    state = pitch(match=match, entries=entries)
    form = DeskEntryForm(match=match, pitch=state, players=players)

    def options(field, kind):
        return [player_label(p, match) for p in form.candidates(field, kind)]

    next_clock = [
        (kind, Entry.Kind(kind).label)
        for kind in CLOCK_KINDS
        if match.status in rules.CLOCK_TRANSITIONS[kind][0]
    ]
    return {
        "match": match,
        "pitch": state,
        "clock_actions": next_clock,
        "can_announce_stoppage": match.status in Match.PLAYING_PERIODS,
        "pickers": {
            "on-pitch": options("player", Entry.Kind.GOAL),
            "sheet": options("player", Entry.Kind.YELLOW_CARD),
            "bench": options("player2", Entry.Kind.SUBSTITUTION),
        },
    }


def _composer_form(match: Match, data=None, files=None, *, players=None, state=None) -> DeskEntryForm:
    clock = match.clock()
    initial = {"minute": clock[0], "added_minute": clock[1]} if clock else {"added_minute": 0}
    return DeskEntryForm(
        data,
        files,
        match=match,
        pitch=state or pitch(match=match),
        players=players or _players(match),
        initial=initial,
    )


def _apply_errors(form, error: ValidationError) -> None:
    for field, texts in error.message_dict.items():
        form.add_error(field if field in form.fields else None, texts)


@require_GET
@requires("desk")
def desk(request, pk: int):
    match = _match(pk)
    seq = last_seq(match=match)
    entries = feed_entries(match=match)
    players = _players(match)
    state = _state_context(match, players=players, entries=[e for e in entries if e.is_key])
    context = {
        **admin.site.each_context(request),
        **scoreboard_context(match=match, entries=entries),
        **state,
        "title": _("Desk: %(match)s") % {"match": match},
        "seq": seq,
        "entries": entries[::-1],
        "order": "newest",
        "pinned": next((e for e in entries if e.pinned), None),
        "form": _composer_form(match, players=players, state=state["pitch"]),
        "live": True,
        "drafts": _drafts(request, match),
        "stats": match_stats(match=match),
        "mark_rows": _mark_rows(match) if match.status == Match.Status.FINISHED else [],
        "letters": _letters(match),
        "marks_scale": MARKS,
        "stat_sides": [("home", match.home_team), ("away", match.away_team)],
        "stat_buttons": [
            (Stat.Kind.CORNER, _("Angolo")),
            (Stat.Kind.FOUL, _("Fallo")),
            (Stat.Kind.OFFSIDE, _("Fuorigioco")),
            (Stat.Kind.POSSESSION, _("Ha la palla")),
        ],
        "shot_buttons": [
            (Stat.Kind.SHOT_ON, _("In porta")),
            (Stat.Kind.SHOT_OFF, _("Fuori")),
            (Stat.Kind.SHOT_BLOCKED, _("Respinto")),
            (Stat.Kind.SHOT_GOAL, _("Gol")),
        ],
        **_roles(request),
    }
    return render(request, TEMPLATE, context)


@require_POST
@requires("publish")
def desk_publish(request, pk: int):
    match = _match(pk)
    form = _composer_form(match, request.POST, request.FILES)
    published = None
    if (
        form.is_valid()
        and form.cleaned_data["var_outcome"] in rules.OVERTURNS
        and not can(request.user, "overturn")
    ):
        form.add_error("var_outcome", _("Annullare un evento dopo il VAR richiede il permesso “overturn”."))
    if form.is_valid():  # the composer offers no clock kinds: those are the clock buttons' ("clock")
        draft = EntryDraft.from_data(form.cleaned_data)
        try:
            published = _with_pictures(
                request,
                match,
                lambda pictures: services.entry_publish(
                    match=match,
                    draft=draft,
                    author=request.user,
                    pictures=pictures,
                    poll_options=form.cleaned_data["options"].splitlines(),
                ),
            )
        except ValidationError as error:
            _apply_errors(form, error)
    if published is not None:
        match.refresh_from_db()
        form = _composer_form(match)
    context = {"form": form, "match": match, "published": published, **_roles(request)}
    return render(request, f"{TEMPLATE}#composer", context)


def _with_pictures(request, match: Match, write):
    """Store the composer's photos (one group of fields each: picture, alt, caption, credit), then `write`
    the entry with them. All or nothing: if a photo or the entry is refused, no photo is kept."""
    stored = []
    fields = ("alt", "caption", "credit")
    given = {name: request.POST.getlist(name) for name in fields}
    try:
        for n, upload in enumerate(request.FILES.getlist("picture")):
            words = {name: (given[name][n] if n < len(given[name]) else "") for name in fields}
            try:
                stored.append(picture_upload(match=match, upload=upload, user=request.user, **words))
            except ValidationError as error:
                if n == 0:
                    raise
                raise ValidationError(  # which photo, when there are several
                    {
                        field: [f"{_('Foto %(n)d') % {'n': n + 1}}: {text}" for text in texts]
                        for field, texts in error.message_dict.items()
                    }
                ) from None
        return write(stored)
    except ValidationError:
        for picture in stored:  # the entry was refused: nothing of it is kept
            picture_discard(picture)
        raise


@require_POST
@requires("draft")
def desk_draft(request, pk: int, propose: bool = False):
    """The composer saved as a draft, or sent to the editors as a proposal: nobody else sees it."""
    match = _match(pk)
    form = _composer_form(match, request.POST, request.FILES)
    saved = None
    if form.is_valid():
        draft = EntryDraft.from_data(form.cleaned_data)
        try:
            saved = _with_pictures(
                request,
                match,
                lambda pictures: services.draft_save(
                    match=match, draft=draft, author=request.user, propose=propose, pictures=pictures
                ),
            )
        except ValidationError as error:
            _apply_errors(form, error)
    if saved is not None:
        form = _composer_form(match)
    context = {"form": form, "match": match, "saved": saved, **_roles(request)}
    response = render(request, f"{TEMPLATE}#composer", context)
    response["HX-Trigger"] = "drafts-changed"
    return response


def _mark_rows(match: Match) -> list[tuple]:
    given = {m.player_id: m for m in match.marks.all()}
    return [(player, given.get(player.pk)) for player in who_played(match)]


def _roles(request) -> dict:
    return {"may_publish": can(request.user, "publish")}


def _drafts(request, match: Match) -> list[Entry]:
    """The drafts a desk shows: one's own, and for those who publish, every proposal."""
    drafts = Entry.with_deleted.filter(match=match).exclude(status=Entry.Status.PUBLISHED)
    if can(request.user, "publish"):
        waiting = [Entry.Status.PROPOSED, Entry.Status.SCHEDULED]
        drafts = drafts.filter(Q(author=request.user) | Q(status__in=waiting))
    else:
        drafts = drafts.filter(author=request.user)
    return list(drafts.select_related("author", "team", "player", "player2").order_by("pk"))


@require_GET
@requires("desk")
def desk_drafts(request, pk: int):
    match = _match(pk)
    context = {"match": match, "drafts": _drafts(request, match), **_roles(request)}
    return render(request, f"{TEMPLATE}#drafts", context)


def _draft(request, pk: int, *, own: bool) -> Entry:
    entry = get_object_or_404(
        Entry.with_deleted.exclude(status=Entry.Status.PUBLISHED).select_related("match"), pk=pk
    )
    if own and entry.author_id != request.user.pk and not can(request.user, "publish"):
        raise PermissionDenied(_("Questa bozza è di un altro redattore."))
    return entry


@require_POST
@requires("publish")
def draft_publish(request, pk: int):
    entry = _draft(request, pk, own=False)
    try:
        services.draft_publish(entry=entry, editor=request.user)
    except ValidationError as error:
        return _drafts_answer(request, entry.match, error.messages[0])
    return _drafts_answer(request, entry.match, _("Pubblicata."))


@require_POST
@requires("publish")
def draft_schedule(request, pk: int):
    """Publish a draft later: at the time given, or at kick-off."""
    entry = _draft(request, pk, own=False)
    if request.POST.get("at") == "kickoff":
        at = entry.match.kickoff
    else:
        at = parse_datetime(request.POST.get("publish_at", "")[:16])
        at = timezone.make_aware(at) if at and timezone.is_naive(at) else at
    if at is None:
        return _drafts_answer(request, entry.match, _("Scegli quando pubblicarla."))
    try:
        services.draft_schedule(entry=entry, at=at, editor=request.user)
    except ValidationError as error:
        return _drafts_answer(request, entry.match, error.messages[0])
    when = date_format(timezone.localtime(at), "j F, H:i")
    return _drafts_answer(request, entry.match, _("Programmata: esce il %(when)s.") % {"when": when})


@require_POST
@requires("draft")
def draft_propose(request, pk: int):
    entry = _draft(request, pk, own=True)
    services.draft_propose(entry=entry)
    return _drafts_answer(request, entry.match, _("Proposta inviata alla redazione."))


@require_POST
@requires("draft")
def draft_discard(request, pk: int):
    entry = _draft(request, pk, own=True)
    services.draft_discard(entry=entry)
    return _drafts_answer(request, entry.match, _("Bozza eliminata."))


def _drafts_answer(request, match: Match, text: str) -> HttpResponse:
    context = {"match": match, "drafts": _drafts(request, match), "note": text, **_roles(request)}
    return render(request, f"{TEMPLATE}#drafts", context)


@require_POST
@requires("publish")
def desk_stat(request, pk: int):
    """A shot, a corner, a foul, an offside, or who has the ball: the match's numbers move live."""
    match = _match(pk)
    side = request.POST.get("team")
    team = {"home": match.home_team, "away": match.away_team}.get(side)
    kind = request.POST.get("kind", "")

    def number(name):
        value = request.POST.get(name, "")
        return int(value) if value.isdigit() and len(value) < 4 else None

    try:
        stat = services.stat_log(
            match=match, team=team, kind=kind, x=number("x"), y=number("y"), user=request.user
        )
    except ValidationError as error:
        return _message(request, " ".join(error.messages))
    text = _("Registrato: %(what)s · %(team)s") % {"what": stat.get_kind_display(), "team": team.short_name}
    return _message(request, text, level="success")


@require_POST
@requires("publish")
def desk_marks(request, pk: int):
    """The editor's pagelle: a mark (and a line) for each player who played; all published at once."""
    match = _match(pk)
    marks = {}
    for player in who_played(match):
        mark = request.POST.get(f"mark-{player.pk}", "")
        if mark:
            marks[player.pk] = (mark, request.POST.get(f"judgement-{player.pk}", ""))
    if not marks:
        return _message(request, _("Dai almeno un voto."))
    try:
        marks_publish(match=match, marks=marks, editor=request.user)
    except ValidationError as error:
        return _message(request, " ".join(error.messages))
    return _message(
        request, _("Pagelle pubblicate: %(count)d voti.") % {"count": len(marks)}, level="success"
    )


@require_GET
@requires("publish")
def desk_letters(request, pk: int):
    match = _match(pk)
    return render(request, f"{TEMPLATE}#letters", {"match": match, "letters": _letters(match)})


def _letters(match: Match) -> list:
    return list(match.reader_messages.filter(status=ReaderMessage.Status.NEW).order_by("pk")[:50])


@require_POST
@requires("publish")
def letter_quote(request, pk: int):
    message = get_object_or_404(ReaderMessage.objects.select_related("match"), pk=pk)
    note = _("Citato nella cronaca.")
    try:
        message_quote(message=message, editor=request.user)
    except ValidationError as error:
        note = error.messages[0]
    context = {"match": message.match, "letters": _letters(message.match), "note": note}
    return render(request, f"{TEMPLATE}#letters", context)


@require_POST
@requires("publish")
def letter_dismiss(request, pk: int):
    message = get_object_or_404(ReaderMessage.objects.select_related("match"), pk=pk)
    message_dismiss(message=message)
    return render(
        request, f"{TEMPLATE}#letters", {"match": message.match, "letters": _letters(message.match)}
    )


@require_POST
@requires("publish")
def desk_stat_undo(request, pk: int):
    undone = services.stat_undo(match=_match(pk), user=request.user)
    if undone is None:
        return _message(request, _("Non c'è niente da annullare."))
    return _message(request, _("Annullato: %(what)s.") % {"what": undone.get_kind_display()}, level="success")


@require_GET
@requires("desk")
def desk_state(request, pk: int):
    return render(request, f"{TEMPLATE}#state", _state_context(_match(pk)))


@require_POST
@requires("clock")
def desk_clock(request, pk: int):
    match = _match(pk)
    form = ClockForm(request.POST)
    error = None
    if form.is_valid():
        try:
            services.entry_publish(
                match=match, draft=EntryDraft.from_data(form.cleaned_data), author=request.user
            )
        except ValidationError as e:
            error = " ".join(m for messages in e.message_dict.values() for m in messages)
        match.refresh_from_db()
    else:
        error = _("Azione del cronometro non valida.")
    return render(request, f"{TEMPLATE}#state", {**_state_context(match), "error": error})


@require_POST
@requires("clock")
def desk_stoppage(request, pk: int):
    match = _match(pk)
    form = StoppageForm(request.POST)
    error = None
    if form.is_valid():
        period_end = Match.PLAYING_PERIODS.get(match.status, (0, None))[1]
        try:
            draft = EntryDraft(
                kind=Entry.Kind.STOPPAGE_TIME,
                minute=period_end,
                stoppage_minutes=form.cleaned_data["stoppage_minutes"],
            )
            services.entry_publish(match=match, draft=draft, author=request.user)
        except ValidationError as e:
            error = " ".join(m for messages in e.message_dict.values() for m in messages)
    else:
        error = " ".join(form.errors.get("stoppage_minutes", []))
    return render(request, f"{TEMPLATE}#state", {**_state_context(match), "error": error})


def _entry(pk: int) -> Entry:
    return get_object_or_404(
        Entry.objects.select_related(
            "match__home_team",
            "match__away_team",
            "match__competition",
            "team",
            "player",
            "player2",
            "author",
            "edited_by",
        ),
        pk=pk,
    )


def _message(request, text: str, *, level: str = "error", status: int = 200, restore=None) -> HttpResponse:
    """A line in the desk's messages; `restore`: a deleted entry, offered back with a button."""
    context = {"text": text, "level": level, "restore": restore}
    return render(request, f"{TEMPLATE}#message", context, status=status)


EDIT_FIELDS = (
    "kind",
    "minute",
    "added_minute",
    "team",
    "player",
    "player2",
    "var_outcome",
    "overturns",
    "text",
)
CLOCK_EDIT_FIELDS = ("text", "minute", "added_minute")  # a clock entry keeps its kind; its time can be mended


@requires("edit")
def entry_edit(request, pk: int):
    entry = _entry(pk)
    match = entry.match
    initial = {
        "kind": entry.kind,
        "minute": entry.minute,
        "added_minute": entry.added_minute,
        "team": match.team_side(entry.team_id) if entry.team_id else "",
        "player": player_label(entry.player, match) if entry.player else "",
        "player2": player_label(entry.player2, match) if entry.player2 else "",
        "var_outcome": entry.var_outcome,
        "overturns": entry.overturns_id,
        "text": text_source(entry.text),
    }
    # the pickers offer who was on the pitch at the entry's minute (the rules check it again on save)
    before = rules.entries_before(match=match, draft=EntryDraft.of(entry), entry_pk=entry.pk)
    form = DeskEntryForm(
        request.POST or None,
        match=match,
        pitch=pitch(match=match, entries=before),
        players=_players(match),
        initial=initial,
        auto_id="edit_%s",  # the composer is on the same page
    )
    fixed_kind = entry.is_clock or entry.kind == Entry.Kind.STOPPAGE_TIME
    if fixed_kind:
        form.fields["kind"].choices = [(entry.kind, entry.get_kind_display())]
    version, error, newer = entry.version, None, None
    if request.method == "POST":
        version = _version(request)
        if (
            form.is_valid()
            and form.cleaned_data["var_outcome"] in rules.OVERTURNS
            and not can(request.user, "overturn")
        ):
            form.add_error(
                "var_outcome", _("Annullare un evento dopo il VAR richiede il permesso “overturn”.")
            )
        if form.is_valid():
            changes = {
                name: form.cleaned_data[name] for name in (CLOCK_EDIT_FIELDS if fixed_kind else EDIT_FIELDS)
            }
            if "var_outcome" in changes:
                changes["var_outcome"] = changes["var_outcome"] or ""
            try:
                services.entry_update(entry=entry, editor=request.user, version=version, **changes)
            except services.StaleEntryError as e:
                # what the editor typed stays in the form (it is bound); the newer version is shown beside it,
                # and saving again replaces it, knowingly
                error = e.messages[0]
                newer = Entry.objects.filter(pk=entry.pk).first()
                version = newer.version if newer else version
            except ValidationError as e:
                _apply_errors(form, e)
            else:
                response = HttpResponse(status=204)
                response["HX-Trigger"] = "entry-saved"
                return response
    context = {"form": form, "entry": entry, "version": version, "error": error, "newer": newer}
    return render(request, f"{TEMPLATE}#edit", context)


@require_POST
@requires("delete")
def entry_remove(request, pk: int):
    entry = _entry(pk)
    try:
        services.entry_delete(entry=entry, editor=request.user, version=_version(request))
    except ValidationError as e:
        return _message(request, e.messages[0])
    return _message(request, _("Voce cancellata."), level="success", restore=entry)


@require_POST
@requires("delete")
def entry_restore(request, pk: int):
    entry = get_object_or_404(Entry.with_deleted.select_related("match"), pk=pk)
    try:
        services.entry_restore(entry=entry, editor=request.user)
    except ValidationError as e:
        return _message(request, e.messages[0])
    return _message(request, _("Voce ripristinata."), level="success")


@require_POST
@requires("pin")
def entry_toggle_pin(request, pk: int):
    entry = _entry(pk)
    services.entry_pin(entry=entry, pinned=not entry.pinned, editor=request.user)
    return _message(
        request,
        _("Voce in evidenza.") if not entry.pinned else _("Voce non più in evidenza."),
        level="success",
    )


@require_POST
@requires("overturn")
def entry_overturn(request, pk: int):
    entry = _entry(pk)
    try:
        services.goal_overturn(entry=entry, editor=request.user)
    except ValidationError as e:
        return _message(request, e.messages[0])
    return _message(request, _("Gol annullato dal VAR: punteggio ricalcolato."), level="success")


@require_POST
@requires("summary")
def desk_summary(request, pk: int):
    match = _match(pk)
    try:
        services.match_summary_set(match=match, summary=request.POST.get("summary", ""))
    except ValidationError as e:
        return _message(request, e.messages[0])
    return _message(request, _("Sintesi salvata."), level="success")


def _version(request) -> int | None:
    try:
        return int(request.POST["version"])
    except (KeyError, ValueError):
        return None


@requires("summary")
def desk_tabellino(request, pk: int):
    """Paste a tabellino: the preview shows how every name matched; confirming saves the team sheets and, if
    asked, the events it tells (commentary.domain.services.tabellino_record), then goes back to the desk.
    The text stays in the box through every preview and every refusal."""
    match = _match(pk)
    form = DeskTabellinoForm(request.POST or None)
    resolved = None
    if request.method == "POST" and form.is_valid():
        resolved = tabellino_resolve(match=match, tabellino=form.tabellino)
        with_events, add_players = form.cleaned_data["with_events"], form.cleaned_data["add_players"]
        if with_events and not (can(request.user, "publish") and can(request.user, "clock")):
            form.add_error(
                "with_events", _("Registrare gli eventi richiede i permessi del desk e del cronometro.")
            )
        elif "confirm" in request.POST:
            try:
                recorded = services.tabellino_record(
                    match=match,
                    tabellino=form.tabellino,
                    with_events=with_events,
                    add_players=add_players,
                    author=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Tabellino salvato."))
                for item in recorded.left_out:
                    messages.warning(request, _("Non registrato: %(item)s") % {"item": item})
                return redirect("desk", pk=match.pk)
    context = {
        **admin.site.each_context(request),
        "title": _("Tabellino: %(match)s") % {"match": match},
        "match": match,
        "form": form,
        "resolved": resolved,
        "missing": missing_players(resolved) if resolved else [],
        "has_lineup": match.lineup.exists(),
    }
    return render(request, "commentary/desk_tabellino.html", context)
