"""Every write to the live blog goes through one of these functions.

Each runs in one transaction: the entry, the match facts it changes (status, score, stoppage time) and one
numbered row of the update log with the fragment fans will receive. The fragment is broadcast only after
commit, so a fan never sees a change that was rolled back.
"""

from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from commentary.live.doorbell import announce
from commentary.models import CLOCK_KINDS, Entry, Picture, PollOption, Stat, Update
from matches.models import Match
from matches.services import players_add, tabellino_apply
from matches.tabellino.parse import Tabellino
from matches.tabellino.resolve import missing_players, tabellino_resolve
from matches.text import strip_control

from .drafts import EntryDraft
from .markup import clean_text
from .rendering import render_update
from .rules import (
    CLOCK_TRANSITIONS,
    MAX_TEXT_LENGTH,
    OVERTURNS,
    PERIOD_OF_STATUS,
    draft_validate,
    entry_validate,
    overturn_target,
    second_yellow,
    when,
)
from .selectors import key_entries, last_seq, match_facts
from .tabellino import describe, tabellino_story

Kind = Entry.Kind
Status = Match.Status

STOPPAGE_FIELD = {
    Entry.Period.FIRST_HALF: "stoppage_first_half",
    Entry.Period.SECOND_HALF: "stoppage_second_half",
    Entry.Period.EXTRA_FIRST_HALF: "stoppage_extra_first_half",
    Entry.Period.EXTRA_SECOND_HALF: "stoppage_extra_second_half",
}


def _lock(match: Match) -> Match:
    """Reload the match under a row lock: writes to one match queue up, so update numbers never collide."""
    return Match.objects.select_for_update().get(pk=match.pk)


def _append_update(
    *,
    match: Match,
    action: str,
    entry: Entry | None,
    scoreboard: bool,
    sheet: bool = False,
    moved: bool | None = None,
    user=None,
) -> Update:
    seq = last_seq(match=match) + 1
    frames = render_update(
        match=match, seq=seq, action=action, entry=entry, scoreboard=scoreboard, sheet=sheet, moved=moved
    )
    update = Update.objects.create(
        match=match,
        seq=seq,
        action=action,
        entry_id=entry.pk if entry else None,
        user=user if getattr(user, "pk", None) else None,
        **Update.fields_of(frames),
    )
    transaction.on_commit(partial(announce, match_id=match.pk, seq=seq, frames=frames))
    return update


def _refresh_score(match: Match) -> bool:
    """Recompute the stored score (and the shoot-out's) from the entries; tell whether it changed."""
    facts = match_facts(match=match, entries=key_entries(match=match))
    started = match.status != Status.SCHEDULED or facts.home.goals or facts.away.goals
    score = (
        (facts.home.score, facts.away.score, facts.home.half_time_score, facts.away.half_time_score)
        if started
        else (None, None, None, None)
    )
    shootout = facts.home.kicks or facts.away.kicks or match.status == Status.PENALTIES
    penalties = (facts.home.shootout_score, facts.away.shootout_score) if shootout else (None, None)
    fields = ("home_score", "away_score", "home_score_half_time", "away_score_half_time")
    fields += ("home_penalties", "away_penalties")
    values = (*score, *penalties)
    if values == tuple(getattr(match, name) for name in fields):
        return False
    for name, value in zip(fields, values, strict=True):
        setattr(match, name, value)
    match.save(update_fields=fields)
    return True


def _move_clock(match: Match, kind: str, at: datetime) -> None:
    match.status = CLOCK_TRANSITIONS[kind][1]
    match.period_started_at = at if match.status in Match.PLAYING_PERIODS else None
    match.extra_time = match.extra_time or kind == Kind.EXTRA_TIME
    match.save(update_fields=["status", "period_started_at", "extra_time"])


def _rewind_clock(match: Match) -> None:
    """Put the match back where its remaining clock entries leave it (after one of them was undone)."""
    match.status, match.period_started_at, match.extra_time = Status.SCHEDULED, None, False
    for entry in match.entries.filter(kind__in=CLOCK_KINDS).order_by("pk"):
        match.status = CLOCK_TRANSITIONS[entry.kind][1]
        match.period_started_at = entry.created_at if match.status in Match.PLAYING_PERIODS else None
        match.extra_time = match.extra_time or entry.kind == Kind.EXTRA_TIME
    match.save(update_fields=["status", "period_started_at", "extra_time"])


def _set_overturned(*, match: Match, entry: Entry | None, overturned: bool) -> None:
    """Mark an event overturned by the VAR (or standing again), and tell the fans."""
    if entry is None or entry.overturned == overturned:
        return
    entry.overturned = overturned
    entry.version += 1
    entry.save(update_fields=["overturned", "version"])
    _append_update(match=match, action=Update.Action.EDIT, entry=entry, scoreboard=False)


def _overturned_by(entry: Entry) -> Entry | None:
    """The event a VAR entry overturns, if it overturns one."""
    if entry.kind != Kind.VAR_CHECK or entry.var_outcome not in OVERTURNS or entry.overturns_id is None:
        return None
    return Entry.objects.select_for_update().filter(pk=entry.overturns_id).first()


def entry_publish(
    *,
    match: Match,
    draft: EntryDraft,
    author=None,
    at: datetime | None = None,
    pictures=(),
    editor=None,
    poll_options=(),
) -> Entry:
    """Publish one entry; clock entries move the match on, goals move the score, VAR decisions overturn
    what they name; all of it reaches the fans. `pictures`: Pictures of this match uploaded for it
    (commentary.domain.pictures), shown with it."""
    at = at or timezone.now()
    options = [strip_control(option).strip()[:60] for option in poll_options if option.strip()]
    if draft.kind == Kind.POLL and not 2 <= len(options) <= 6:
        raise ValidationError({"options": _("Un sondaggio ha da 2 a 6 risposte, una per riga.")})
    with transaction.atomic():
        match = _lock(match)
        draft = when(match=match, draft=draft, at=at)
        if second_yellow(match=match, draft=draft):
            draft = replace(draft, kind=Kind.SECOND_YELLOW)  # a second yellow is a red
        draft = entry_validate(match=match, draft=draft, at=at)
        kind, period, minute, added_minute = draft.kind, draft.period, draft.minute, draft.added_minute
        status_before = match.status
        if kind in CLOCK_TRANSITIONS:
            clock_before = match.clock(now=at)  # a whistle that ends a period is given the minute it blew
            _move_clock(match, kind, at)
            if period is None:
                playing = match.status if match.status in Match.PLAYING_PERIODS else status_before
                period = PERIOD_OF_STATUS.get(playing, playing)
            if minute is None and (clock := clock_before or match.clock(now=at)) is not None:
                minute, added_minute = clock
            if kind == Kind.KICK_OFF:
                _refresh_score(match)  # a started match shows 0–0
        target = None
        if draft.var_outcome in OVERTURNS:
            target = draft.overturns or overturn_target(match=match, draft=draft)
        entry = Entry.objects.create(
            match=match,
            period=period,
            minute=minute,
            added_minute=added_minute,
            kind=kind,
            team=draft.team,
            player=draft.player,
            player2=draft.player2,
            var_outcome=draft.var_outcome,
            overturns=target or draft.overturns,
            stoppage_minutes=draft.stoppage_minutes,
            text=clean_text(draft.text),
            author=author,
            created_at=at,
        )
        PollOption.objects.bulk_create(
            PollOption(entry=entry, label=label, order=n)
            for n, label in enumerate(options if kind == Kind.POLL else [])
        )
        if not pictures:  # a new entry without pictures has none: its frame need not ask (prefetch cache)
            entry._prefetched_objects_cache = {"pictures": Picture.objects.none()}
        else:
            attached = Picture.objects.filter(
                pk__in=[p.pk for p in pictures], match=match, entry__isnull=True
            )
            if attached.update(entry=entry) != len(pictures):
                raise ValidationError(
                    {"picture": _("Questa foto è già stata pubblicata o è di un'altra partita.")}
                )
        if kind == Kind.STOPPAGE_TIME and period in STOPPAGE_FIELD:
            setattr(match, STOPPAGE_FIELD[period], draft.stoppage_minutes)
            match.save(update_fields=[STOPPAGE_FIELD[period]])
        _set_overturned(match=match, entry=target, overturned=True)
        # the score is the key entries': only a key entry, a whistle or an overturn can move it
        moves_score = entry.is_key or kind in CLOCK_TRANSITIONS or target is not None
        changed = (moves_score and _refresh_score(match)) or match.status != status_before
        scoreboard = changed or kind == Kind.STOPPAGE_TIME or entry.is_key
        sheet = entry.is_key or kind == Kind.EXTRA_TIME  # the timeline's axis grows by the extra time
        _append_update(
            match=match,
            action=Update.Action.PUBLISH,
            entry=entry,
            scoreboard=scoreboard,
            sheet=sheet,
            moved=changed,
            user=editor or author,
        )
    return entry


def match_set_status(*, match: Match, status: str) -> Match:
    """Postpone or abandon a match (the clock entries move it through its periods)."""
    if status not in (Status.POSTPONED, Status.ABANDONED, Status.SCHEDULED):
        raise ValidationError({"status": _("Usa i pulsanti del cronometro per far avanzare la partita.")})
    with transaction.atomic():
        match = _lock(match)
        if match.status == status:
            return match
        match.status = status
        match.period_started_at = None
        match.save(update_fields=["status", "period_started_at"])
        _append_update(match=match, action=Update.Action.STATUS, entry=None, scoreboard=True)
    return match


class StaleEntryError(ValidationError):
    """Someone else changed the entry since the editor loaded it."""


def _lock_entry(entry: Entry, version: int | None) -> Entry:
    current = Entry.objects.select_for_update().filter(pk=entry.pk).first()
    if current is None:
        raise StaleEntryError(_("Questa voce è stata cancellata nel frattempo."))
    if version is not None and current.version != version:
        who = current.edited_by or current.author
        raise StaleEntryError(
            _("Questa voce è stata modificata da %(who)s nel frattempo: ricarica e riprova.")
            % {"who": who or _("un altro redattore")}
        )
    return current


EDITABLE_FIELDS = (
    "kind",
    "text",
    "minute",
    "added_minute",
    "period",
    "team",
    "player",
    "player2",
    "var_outcome",
    "overturns",
    "stoppage_minutes",
)


def entry_update(
    *, entry: Entry, editor=None, version: int | None = None, at: datetime | None = None, **changes
) -> Entry:
    """Edit an entry in place. With `version`, refuse when someone else edited it meanwhile."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        match = _lock(entry.match)
        entry = _lock_entry(entry, version)
        new_kind = changes.get("kind", entry.kind)
        if new_kind != entry.kind and (new_kind in CLOCK_TRANSITIONS or entry.kind in CLOCK_TRANSITIONS):
            raise ValidationError(
                {"kind": _("Le voci del cronometro non cambiano tipo: annullala e ripubblica.")}
            )
        was_overturning = _overturned_by(entry)
        as_it_was = {name: getattr(entry, name) for name in EDITABLE_FIELDS}
        for name, value in changes.items():
            setattr(entry, name, value)
        entry_validate(match=match, draft=EntryDraft.of(entry), entry_pk=entry.pk)
        overturning = None
        if entry.kind == Kind.VAR_CHECK and entry.var_outcome in OVERTURNS:
            overturning = entry.overturns or overturn_target(match=match, draft=EntryDraft.of(entry))
            entry.overturns = overturning
        if "text" in changes:
            entry.text = clean_text(entry.text)
        if all(getattr(entry, name) == value for name, value in as_it_was.items()):
            return entry  # saved as it was: no edit, nothing to tell the fans
        entry.edited_by = editor
        entry.edited_at = at or timezone.now()
        entry.version += 1
        entry.save()
        if entry.kind == Kind.STOPPAGE_TIME and entry.period in STOPPAGE_FIELD:
            setattr(match, STOPPAGE_FIELD[entry.period], entry.stoppage_minutes)
            match.save(update_fields=[STOPPAGE_FIELD[entry.period]])
        if was_overturning != overturning:
            _set_overturned(match=match, entry=was_overturning, overturned=False)
            _set_overturned(match=match, entry=overturning, overturned=True)
        moved = _refresh_score(match)
        scoreboard = moved or entry.kind in (*Entry.KEY_KINDS, Kind.STOPPAGE_TIME)
        _append_update(
            match=match,
            action=Update.Action.EDIT,
            entry=entry,
            scoreboard=scoreboard,
            sheet=entry.is_key,
            moved=moved,
            user=editor,
        )
    return entry


def entry_delete(*, entry: Entry, editor=None, version: int | None = None) -> None:
    """Remove an entry from the blog: readers no longer see it, anywhere, at once; it is kept, and an editor
    can restore it (entry_restore). A clock entry is undone: the match goes back to where it was (the latest
    first). The event a VAR decision overturned stands again."""
    with transaction.atomic():
        match = _lock(entry.match)
        entry = _lock_entry(entry, version)
        if entry.kind in CLOCK_TRANSITIONS:
            _check_undo(match=match, entry=entry)
        restored = _overturned_by(entry)
        was_key = entry.is_key
        entry.deleted_at, entry.deleted_by = timezone.now(), editor if getattr(editor, "pk", None) else None
        entry.pinned = False
        entry.version += 1
        entry.save(update_fields=["deleted_at", "deleted_by", "pinned", "version"])
        status_before = match.status
        if entry.kind in CLOCK_TRANSITIONS:
            _rewind_clock(match)
        _set_overturned(match=match, entry=restored, overturned=False)
        moved = _refresh_score(match) or match.status != status_before
        scoreboard = moved or was_key
        _append_update(
            match=match,
            action=Update.Action.DELETE,
            entry=entry,
            scoreboard=scoreboard,
            sheet=was_key,
            moved=moved,
            user=editor,
        )


def entry_restore(*, entry: Entry, editor=None) -> Entry:
    """Bring a deleted entry back to readers, live. A whistle is not brought back (the match has moved on
    since: publish it again); a VAR decision overturns its event again."""
    with transaction.atomic():
        match = _lock(entry.match)
        entry = Entry.with_deleted.select_for_update().get(pk=entry.pk)
        if entry.deleted_at is None:
            return entry
        if entry.kind in CLOCK_TRANSITIONS:
            raise ValidationError(
                _("Un fischio cancellato non si ripristina: il cronometro è andato avanti. Ripubblicalo.")
            )
        entry.deleted_at, entry.deleted_by = None, None
        entry.version += 1
        entry.save(update_fields=["deleted_at", "deleted_by", "version"])
        target = entry.overturns if entry.overturns_id else None
        if target is not None and target.deleted_at is None:
            _set_overturned(match=match, entry=target, overturned=True)
        status_before = match.status
        moved = _refresh_score(match) or match.status != status_before
        _append_update(
            match=match,
            action=Update.Action.RESTORE,
            entry=entry,
            scoreboard=moved or entry.is_key,
            sheet=entry.is_key,
            moved=moved,
            user=editor,
        )
    return entry


def _check_undo(*, match: Match, entry: Entry) -> None:
    latest = match.entries.filter(kind__in=CLOCK_KINDS).order_by("-pk").first()
    if latest is not None and latest.pk != entry.pk:
        raise ValidationError(
            {
                "kind": _("Il cronometro si riavvolge dall'ultima voce: annulla prima “%(kind)s”.")
                % {"kind": latest.get_kind_display()}
            }
        )
    events = match.entries.exclude(kind__in=(*CLOCK_KINDS, Kind.COMMENTARY, Kind.STOPPAGE_TIME))
    if entry.kind == Kind.KICK_OFF and events.exists():
        raise ValidationError(
            {"kind": _("Ci sono già eventi di gioco: il calcio d'inizio non si può annullare.")}
        )


def entry_pin(*, entry: Entry, pinned: bool, editor=None) -> Entry:
    """Pin an entry on top of the blog (unpinning any other) or unpin it."""
    with transaction.atomic():
        match = _lock(entry.match)
        entry = _lock_entry(entry, None)
        if entry.pinned == pinned:
            return entry
        previous = list(match.entries.filter(pinned=True).exclude(pk=entry.pk))
        for other in previous:
            other.pinned = False
            other.save(update_fields=["pinned"])
            _append_update(match=match, action=Update.Action.PIN, entry=other, scoreboard=False, user=editor)
        entry.pinned = pinned
        entry.save(update_fields=["pinned"])
        _append_update(match=match, action=Update.Action.PIN, entry=entry, scoreboard=False, user=editor)
    return entry


def goal_overturn(*, entry: Entry, editor=None, text: str = "") -> Entry:
    """VAR rules a goal out (the desk's button): a VAR entry that names the goal, like the composer's."""
    if entry.kind not in Entry.GOAL_KINDS:
        raise ValidationError({"kind": _("Solo un gol può essere annullato dal VAR.")})
    draft = EntryDraft(
        kind=Kind.VAR_CHECK,
        team=entry.team,
        player=entry.player,
        var_outcome=Entry.VarOutcome.GOAL_OVERTURNED,
        overturns=entry,
        text=text,
    )
    return entry_publish(match=entry.match, draft=draft, author=editor)


def match_summary_set(*, match: Match, summary: str) -> Match:
    """The editor's summary of the match, shown on its page (plain text, paragraphs kept)."""
    summary = strip_control(summary).strip()
    if len(summary) > MAX_TEXT_LENGTH:
        raise ValidationError(
            {"summary": _("La sintesi supera i %(max)d caratteri.") % {"max": MAX_TEXT_LENGTH}}
        )
    with transaction.atomic():
        match = _lock(match)
        if match.summary == summary:
            return match
        match.summary = summary
        match.save(update_fields=["summary"])
        _append_update(match=match, action=Update.Action.MATCH, entry=None, scoreboard=True, sheet=True)
    return match


def match_sheet_changed(*, match: Match) -> None:
    """The team sheets, the kick-off time or the officials changed (matches.signals.match_changed): one
    update in the log, so open pages follow and every cached copy of the page is stale."""
    with transaction.atomic():
        match = _lock(match)
        _refresh_score(match)
        _append_update(match=match, action=Update.Action.MATCH, entry=None, scoreboard=True, sheet=True)


@dataclass(frozen=True)
class TabellinoRecorded:
    added: list[tuple] = field(default_factory=list)  # (team, name) of the players added to a squad
    left_out: list[str] = field(default_factory=list)  # events without a minute, in words


def tabellino_record(
    *,
    match: Match,
    tabellino: Tabellino,
    with_events: bool = False,
    add_players: bool = False,
    author=None,
) -> TabellinoRecorded:
    """Save the team sheets a pasted tabellino gives (matches.services.tabellino_apply) and, `with_events`,
    the match it tells: its goals, cards, substitutions and shoot-out as entries, with the whistles around
    them for a match not played here yet, so a finished match is recorded from one paste. `add_players`: the
    team-line names found in no squad are added to it first. All or nothing, in one transaction.

    Events go only to a match with none yet (no key or clock entries): a second paste would count every goal
    twice. A result already stored must be the one the goals make.
    """
    with transaction.atomic():
        match = _lock(match)
        resolved = tabellino_resolve(match=match, tabellino=tabellino)
        missing = missing_players(resolved)
        if add_players and missing:
            for team, name in missing:
                players_add(team=team, names=[name])
            resolved = tabellino_resolve(match=match, tabellino=tabellino)
        if resolved.problems:
            raise ValidationError(
                _("Niente salvato, nomi da sistemare: %(problems)s.")
                % {"problems": "; ".join(str(problem) for problem in resolved.problems)}
            )
        tabellino_apply(match=match, resolved=resolved)
        if not with_events:
            return TabellinoRecorded(added=missing if add_players else [])
        told = match.entries.filter(kind__in=(*Entry.KEY_KINDS, *CLOCK_KINDS)).count()
        if told:
            raise ValidationError(
                _(
                    "La partita ha già %(count)d eventi nella cronaca: gli eventi del tabellino si "
                    "registrano solo in una partita che non ne ha."
                )
                % {"count": told}
            )
        result = (match.home_score, match.away_score) if match.status == Status.FINISHED else None
        whistles = match.status == Status.SCHEDULED
        if not whistles and match.status != Status.FINISHED:
            raise ValidationError(
                _(
                    "Gli eventi del tabellino si registrano in una partita da giocare o finita "
                    "(ora: %(status)s)."
                )
                % {"status": match.get_status_display()}
            )
        story = tabellino_story(match=match, resolved=resolved, whistles=whistles)
        for draft in story.drafts:
            try:
                entry_publish(match=match, draft=draft, author=author)
            except ValidationError as error:
                raise ValidationError(
                    _("%(event)s: %(reason)s")
                    % {"event": describe(draft), "reason": " ".join(error.messages)}
                ) from error
        match.refresh_from_db()
        if result is not None and result != (None, None) and result != (match.home_score, match.away_score):
            raise ValidationError(
                _("I gol del tabellino fanno %(told)s, il risultato registrato è %(stored)s: niente salvato.")
                % {
                    "told": f"{match.home_score}–{match.away_score}",
                    "stored": f"{result[0]}–{result[1]}",
                }
            )
    return TabellinoRecorded(added=missing if add_players else [], left_out=story.left_out)


# ---- drafts: written now, published later (by an editor); no reader sees them until then


def draft_save(*, match: Match, draft: EntryDraft, author, propose: bool = False, pictures=()) -> Entry:
    """A draft of an entry (or, `propose`, a proposal for the editors' queue): stored, shown to nobody but
    the desk, and nothing goes to the fans. Its minute, if left empty, is the clock's when it is published."""
    draft_validate(match=match, draft=draft)
    if draft.minute is not None:  # a moment of the match: in the period it belongs to, as a publish would
        draft = when(match=match, draft=draft)
    with transaction.atomic():
        entry = Entry.objects.create(
            match=match,
            period=draft.period or Entry.Period.PRE_MATCH,
            minute=draft.minute,
            added_minute=draft.added_minute,
            kind=draft.kind,
            team=draft.team,
            player=draft.player,
            player2=draft.player2,
            var_outcome=draft.var_outcome,
            stoppage_minutes=draft.stoppage_minutes,
            text=clean_text(draft.text),
            author=author,
            created_at=timezone.now(),
            status=Entry.Status.PROPOSED if propose else Entry.Status.DRAFT,
        )
        mine = Picture.objects.filter(pk__in=[p.pk for p in pictures], match=match, entry__isnull=True)
        mine.update(entry=entry)
        if propose:
            _queue_changed(match, author)
    return entry


def _queue_changed(match: Match, user) -> None:
    """Tell the editors' desks their queue changed, through the match's update log (Update.Action.QUEUE): fans
    get the scoreboard as it stands, and nothing of the queue."""
    _append_update(
        match=_lock(match), action=Update.Action.QUEUE, entry=None, scoreboard=True, moved=False, user=user
    )


def draft_propose(*, entry: Entry) -> Entry:
    """Send a draft to the editors' queue."""
    with transaction.atomic():
        drafts = Entry.with_deleted.filter(pk=entry.pk, status=Entry.Status.DRAFT)
        if drafts.update(status=Entry.Status.PROPOSED):
            _queue_changed(entry.match, entry.author)
    entry.refresh_from_db()
    return entry


def draft_publish(*, entry: Entry, editor) -> Entry:
    """Publish a draft or approve a proposal: it becomes an entry like any other, at the end of the blog, in
    its author's name (the update records who published it); the draft is gone."""
    with transaction.atomic():
        draft_entry = Entry.with_deleted.select_for_update().get(pk=entry.pk)
        if draft_entry.status == Entry.Status.PUBLISHED:
            raise ValidationError(_("Questa voce è già stata pubblicata."))
        pictures = list(draft_entry.pictures.all())
        Picture.objects.filter(entry=draft_entry).update(entry=None)
        draft = replace(
            EntryDraft.of(draft_entry), period=None if draft_entry.minute is None else draft_entry.period
        )
        published = entry_publish(
            match=draft_entry.match, draft=draft, author=draft_entry.author, pictures=pictures, editor=editor
        )
        draft_entry.delete()
    return published


def draft_discard(*, entry: Entry) -> None:
    """Throw a draft away, with its pictures."""
    from .pictures import picture_discard

    with transaction.atomic():
        draft_entry = Entry.with_deleted.filter(pk=entry.pk).exclude(status=Entry.Status.PUBLISHED).first()
        if draft_entry is None:
            return
        for picture in draft_entry.pictures.all():
            picture_discard(picture)
        draft_entry.delete()
        if draft_entry.status != Entry.Status.DRAFT:  # it was in the editors' queue
            _queue_changed(draft_entry.match, None)


def draft_schedule(*, entry: Entry, at: datetime, editor) -> Entry:
    """Publish a draft or a proposal at `at` (a time to come; the kick-off, say), on the task queue."""
    if at <= timezone.now():
        raise ValidationError({"publish_at": _("Scegli un momento futuro.")})
    with transaction.atomic():
        draft_entry = (
            Entry.with_deleted.select_for_update().exclude(status=Entry.Status.PUBLISHED).get(pk=entry.pk)
        )
        draft_entry.status, draft_entry.publish_at = Entry.Status.SCHEDULED, at
        draft_entry.save(update_fields=["status", "publish_at"])
        _queue_changed(draft_entry.match, editor)
        transaction.on_commit(partial(_enqueue_publish, draft_entry.pk, getattr(editor, "pk", None), at))
    return draft_entry


def _enqueue_publish(entry_pk: int, editor_pk: int | None, at: datetime) -> None:
    from commentary.tasks import publish_scheduled

    publish_scheduled.using(run_after=at).enqueue(entry_pk, editor_pk)


def draft_publish_due(*, entry_pk: int, editor=None) -> Entry | None:
    """Publish a scheduled draft whose time has come, once: locked, and only while it is still scheduled
    (a second run, or one for a draft unscheduled or published by hand meanwhile, does nothing)."""
    with transaction.atomic():
        due = (
            Entry.with_deleted.select_for_update()
            .filter(pk=entry_pk, status=Entry.Status.SCHEDULED, publish_at__lte=timezone.now())
            .first()
        )
        if due is None:
            return None
        return draft_publish(entry=due, editor=editor)


def drafts_catch_up() -> int:
    """Queue again every scheduled draft whose time has passed (a worker that died holding its task): the
    publish is idempotent, so this may run at every worker start. How many were queued."""
    due = Entry.with_deleted.filter(status=Entry.Status.SCHEDULED, publish_at__lte=timezone.now())
    for entry_pk in due.values_list("pk", flat=True):
        _enqueue_publish(entry_pk, None, timezone.now())
    return due.count()


# ---- the match's numbers: what the desk logs apart from the blog (commentary.domain.stats)


def stat_log(*, match: Match, team, kind: str, x: int | None = None, y: int | None = None, user=None) -> Stat:
    """Log a shot (with where it was taken from), a corner, a foul, an offside, or who has the ball from now
    on; fans' statistics and shot map follow live. A goal's shot is placed on the map beside its entry."""
    errors = {}
    if kind not in Stat.Kind.values:
        errors["kind"] = _("Dato sconosciuto.")
    if team is None or team.pk not in (match.home_team_id, match.away_team_id):
        errors["team"] = _("La squadra non gioca questa partita.")
    if kind in Stat.SHOTS and not (x is not None and y is not None and 0 <= x <= 100 and 0 <= y <= 100):
        errors["x"] = _("Tocca il campo dove è partito il tiro.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        match = _lock(match)
        if match.status == Match.Status.SCHEDULED:
            raise ValidationError(_("La partita non è ancora cominciata."))
        goal = None
        if kind == Stat.Kind.SHOT_GOAL:  # the team's latest goal not yet placed
            placed = Stat.objects.filter(match=match, kind=kind).values("entry_id")
            goal = (
                match.entries.filter(kind__in=Entry.GOAL_KINDS, team=team, overturned=False)
                .exclude(pk__in=placed)
                .order_by("-pk")
                .first()
            )
            if goal is None:
                raise ValidationError({"kind": _("Nessun gol di questa squadra da collocare sul campo.")})
        stat = Stat.objects.create(
            match=match,
            team=team,
            kind=kind,
            x=x if kind in Stat.SHOTS else None,
            y=y if kind in Stat.SHOTS else None,
            entry=goal,
            created_at=timezone.now(),
            created_by=user if getattr(user, "pk", None) else None,
        )
        _append_update(
            match=match, action=Update.Action.STATS, entry=None, scoreboard=False, moved=False, user=user
        )
    return stat


def stat_undo(*, match: Match, user=None) -> Stat | None:
    """Take back the last thing logged for the numbers (a mistaken tap)."""
    with transaction.atomic():
        match = _lock(match)
        last = Stat.objects.filter(match=match).order_by("-pk").first()
        if last is None:
            return None
        last.delete()
        _append_update(
            match=match, action=Update.Action.STATS, entry=None, scoreboard=False, moved=False, user=user
        )
    return last
