"""Every write to the live blog goes through one of these functions.

Each runs in one transaction: the entry, the match facts it changes (status, score, stoppage time) and one
numbered row of the update log with the fragment fans will receive. The fragment is broadcast only after
commit, so a fan never sees a change that was rolled back.
"""

import re
from dataclasses import replace
from datetime import datetime
from functools import partial

import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from commentary.live.doorbell import announce
from commentary.models import Entry, Update
from matches.models import Match, Player
from matches.text import strip_control

from .drafts import EntryDraft
from .rendering import render_update
from .selectors import key_entries, last_seq, match_facts, pitch

Kind = Entry.Kind
Status = Match.Status

# Clock entries move the match from one status to the next.
CLOCK_TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    Kind.KICK_OFF: ((Status.SCHEDULED,), Status.FIRST_HALF),
    Kind.HALF_TIME: ((Status.FIRST_HALF,), Status.HALF_TIME),
    Kind.SECOND_HALF: ((Status.HALF_TIME,), Status.SECOND_HALF),
    Kind.EXTRA_TIME: ((Status.SECOND_HALF,), Status.EXTRA_FIRST_HALF),
    Kind.EXTRA_HALF_TIME: ((Status.EXTRA_FIRST_HALF,), Status.EXTRA_HALF_TIME),
    Kind.EXTRA_SECOND_HALF: ((Status.EXTRA_HALF_TIME,), Status.EXTRA_SECOND_HALF),
    Kind.PENALTIES: ((Status.SECOND_HALF, Status.EXTRA_SECOND_HALF), Status.PENALTIES),
    Kind.FULL_TIME: ((Status.SECOND_HALF, Status.EXTRA_SECOND_HALF, Status.PENALTIES), Status.FINISHED),
}
PERIOD_OF_STATUS = {
    Status.SCHEDULED: Entry.Period.PRE_MATCH,
    Status.FINISHED: Entry.Period.POST_MATCH,
    Status.POSTPONED: Entry.Period.PRE_MATCH,
    Status.ABANDONED: Entry.Period.POST_MATCH,
}
NEEDS_PLAYER = (
    *Entry.GOAL_KINDS,
    *Entry.CARD_KINDS,
    Kind.SUBSTITUTION,
    Kind.PENALTY_MISSED,
    Kind.PENALTY_SAVED,
)
NEEDS_TEAM = (*NEEDS_PLAYER, Kind.VAR_CHECK)
STOPPAGE_FIELD = {
    Entry.Period.FIRST_HALF: "stoppage_first_half",
    Entry.Period.SECOND_HALF: "stoppage_second_half",
    Entry.Period.EXTRA_FIRST_HALF: "stoppage_extra_first_half",
    Entry.Period.EXTRA_SECOND_HALF: "stoppage_extra_second_half",
}
MAX_TEXT_LENGTH = 5000
ALLOWED_TAGS = {"b", "strong", "i", "em", "a", "br"}
ALLOWED_TAG_START = re.compile(r"<(?!/?(?:" + "|".join(sorted(ALLOWED_TAGS)) + r")[\s/>])", re.IGNORECASE)


def clean_text(text: str) -> str:
    """The small markup an editor may use (**bold**, *italic*, <b>, <i>, <a href>), made safe with nh3.

    Any other "<" is text, not markup: an editor who types "<script>" shows fans the word, and "<3" stays a
    heart.
    """
    text = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", strip_control(text).strip())
    text = re.sub(r"(?<![*\w])\*(?!\s)(.+?)(?<!\s)\*(?![*\w])", r"<em>\1</em>", text)
    text = ALLOWED_TAG_START.sub("&lt;", text)
    return nh3.clean(
        text,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def entry_validate(*, match: Match, draft: EntryDraft, entry_pk: int | None = None) -> None:
    """Raise a ValidationError keyed by field for an entry that cannot be published on this match now.

    `entry_pk`: the entry being edited, left out when checking who is on the pitch.
    """
    kind, team, player, player2 = draft.kind, draft.team, draft.player, draft.player2
    var_outcome, stoppage_minutes, text = draft.var_outcome, draft.stoppage_minutes, draft.text
    minute, added_minute = draft.minute, draft.added_minute
    errors: dict[str, str] = {}
    if kind not in Kind.values:
        errors["kind"] = _("Tipo di voce sconosciuto.")
    team_ids = {match.home_team_id, match.away_team_id}
    if team is not None and team.pk not in team_ids:
        errors["team"] = _("La squadra non gioca questa partita.")
    if kind in NEEDS_TEAM and team is None:
        errors["team"] = _("Indica la squadra.")
    if kind in NEEDS_PLAYER and player is None:
        errors["player"] = _("Indica il giocatore.")
    if player is not None and team is not None and player.team_id != team.pk:
        errors["player"] = _("%(player)s non gioca nella squadra indicata.") % {"player": player}
    if player2 is not None and player2.team_id not in team_ids:
        errors["player2"] = _("%(player)s non gioca in questa partita.") % {"player": player2}
    if kind == Kind.SUBSTITUTION:
        if player2 is None:
            errors["player2"] = _("Indica chi entra.")
        elif player is not None and player2.team_id != player.team_id:
            errors["player2"] = _("Chi entra deve essere della stessa squadra di chi esce.")
        elif player2 == player:
            errors["player2"] = _("Chi entra e chi esce non possono coincidere.")
    if kind in (*Entry.GOAL_KINDS, Kind.PENALTY_GOAL) and player2 is not None and player2 == player:
        errors["player2"] = _("L'assist non può essere di chi segna.")
    if var_outcome and kind != Kind.VAR_CHECK:
        errors["var_outcome"] = _("L'esito VAR vale solo per le voci VAR.")
    if var_outcome and var_outcome not in Entry.VarOutcome.values:
        errors["var_outcome"] = _("Esito VAR sconosciuto.")
    if kind == Kind.STOPPAGE_TIME and not stoppage_minutes:
        errors["stoppage_minutes"] = _("Indica i minuti di recupero annunciati.")
    if kind == Kind.STOPPAGE_TIME and match.status not in Match.PLAYING_PERIODS and entry_pk is None:
        # what the desk offers only while the ball is rolling, refused the same to a direct POST
        errors["stoppage_minutes"] = _("Il recupero si annuncia solo mentre si gioca (ora: %(status)s).") % {
            "status": match.get_status_display()
        }
    if stoppage_minutes is not None and not 0 < stoppage_minutes <= 30:
        errors["stoppage_minutes"] = _("Il recupero va da 1 a 30 minuti.")
    if kind == Kind.COMMENTARY and not text.strip():
        errors["text"] = _("Scrivi il testo della cronaca.")
    if len(text) > MAX_TEXT_LENGTH:
        errors["text"] = _("Il testo supera i %(max)d caratteri.") % {"max": MAX_TEXT_LENGTH}
    if minute is not None and not 0 <= minute <= 130:
        errors["minute"] = _("Il minuto va da 0 a 130.")
    if not 0 <= added_minute <= 30:
        errors["added_minute"] = _("Il recupero va da 0 a 30 minuti.")
    if kind in CLOCK_TRANSITIONS:
        allowed_from, _to = CLOCK_TRANSITIONS[kind]
        if match.status not in allowed_from:
            errors["kind"] = _("“%(kind)s” non è possibile quando la partita è: %(status)s.") % {
                "kind": Kind(kind).label,
                "status": match.get_status_display(),
            }
    if not errors:
        errors = _pitch_errors(match=match, kind=kind, player=player, player2=player2, exclude_pk=entry_pk)
    if errors:
        raise ValidationError(errors)


# Who must be on the pitch for an entry to make sense (the player; the second player where it plays too).
ON_PITCH = {
    **dict.fromkeys(
        (*Entry.GOAL_KINDS, Kind.PENALTY_MISSED, Kind.PENALTY_SAVED, Kind.CHANCE, Kind.WOODWORK, Kind.INJURY),
        "player",
    ),
    Kind.SUBSTITUTION: "player",
    Kind.SAVE: "both",
}


def _pitch_errors(
    *, match: Match, kind: str, player: Player | None, player2: Player | None, exclude_pk: int | None = None
) -> dict[str, str]:
    """The football rules a team sheet lets us check: who can score, be booked, go off and come on."""
    if player is None and player2 is None:
        return {}
    entries = [e for e in key_entries(match=match) if e.pk != exclude_pk]
    now = pitch(match=match, entries=entries)
    if not now.roles:
        return {}  # no team sheets yet: nothing to check against
    errors = {}
    rule = ON_PITCH.get(kind)
    if rule and player is not None and now.known(player.pk) and player.pk not in now.on:
        errors["player"] = _("%(player)s non è in campo.") % {"player": player}
    if rule == "both" and player2 is not None and now.known(player2.pk) and player2.pk not in now.on:
        errors["player2"] = _("%(player)s non è in campo.") % {"player": player2}
    if kind in (Kind.GOAL, Kind.PENALTY_GOAL) and player2 is not None and player2.pk not in now.on:
        errors["player2"] = _("%(player)s non è in campo.") % {"player": player2}
    if kind in Entry.CARD_KINDS and player is not None and player.pk in now.sent_off:
        errors["player"] = _("%(player)s è già stato espulso.") % {"player": player}
    if kind == Kind.SUBSTITUTION and player2 is not None:
        if player2.pk in now.on or player2.pk in now.came_on or player2.pk in now.sent_off:
            errors["player2"] = _("%(player)s è già entrato in campo.") % {"player": player2}
        elif now.known(player2.pk) and now.roles[player2.pk] != "bench":
            errors["player2"] = _("%(player)s non è in panchina.") % {"player": player2}
    return errors


def _is_second_yellow(*, match: Match, player: Player | None) -> bool:
    if player is None:
        return False
    return match.entries.filter(kind=Kind.YELLOW_CARD, player=player, overturned=False).exists()


def _lock(match: Match) -> Match:
    """Reload the match under a row lock: writes to one match queue up, so update numbers never collide."""
    return Match.objects.select_for_update().get(pk=match.pk)


def _append_update(*, match: Match, action: str, entry: Entry | None, scoreboard: bool) -> Update:
    seq = last_seq(match=match) + 1
    frames = render_update(match=match, seq=seq, action=action, entry=entry, scoreboard=scoreboard)
    default = settings.LANGUAGE_CODE
    update = Update.objects.create(
        match=match,
        seq=seq,
        action=action,
        entry_id=entry.pk if entry else None,
        html=frames[default],
        translations={language: html for language, html in frames.items() if language != default},
    )
    transaction.on_commit(partial(announce, match_id=match.pk, seq=seq, frames=frames))
    return update


def _refresh_score(match: Match) -> bool:
    """Recompute the stored score from the goal entries; tell whether it changed."""
    facts = match_facts(match=match, entries=key_entries(match=match))
    started = match.status != Status.SCHEDULED or facts.home.goals or facts.away.goals
    score = (
        (facts.home.score, facts.away.score, facts.home.half_time_score, facts.away.half_time_score)
        if started
        else (None, None, None, None)
    )
    if score == (match.home_score, match.away_score, match.home_score_half_time, match.away_score_half_time):
        return False
    match.home_score, match.away_score, match.home_score_half_time, match.away_score_half_time = score
    match.save(update_fields=["home_score", "away_score", "home_score_half_time", "away_score_half_time"])
    return True


def entry_publish(*, match: Match, draft: EntryDraft, author=None, at: datetime | None = None) -> Entry:
    """Publish one entry; clock entries move the match on, goals move the score, all reach the fans."""
    at = at or timezone.now()
    with transaction.atomic():
        match = _lock(match)
        if draft.kind == Kind.YELLOW_CARD and _is_second_yellow(match=match, player=draft.player):
            draft = replace(draft, kind=Kind.SECOND_YELLOW)  # a second yellow is a red
        entry_validate(match=match, draft=draft)
        kind, period, minute, added_minute = draft.kind, draft.period, draft.minute, draft.added_minute
        status_before = match.status
        if kind in CLOCK_TRANSITIONS:
            new_status = CLOCK_TRANSITIONS[kind][1]
            match.status = new_status
            match.period_started_at = at if new_status in Match.PLAYING_PERIODS else None
            match.save(update_fields=["status", "period_started_at"])
            if kind == Kind.KICK_OFF:
                _refresh_score(match)  # a started match shows 0–0
        if period is None:
            playing = match.status if match.status in Match.PLAYING_PERIODS else status_before
            period = PERIOD_OF_STATUS.get(playing, playing)
        if minute is None and (clock := match.clock(now=at)) is not None:
            minute, added_minute = clock
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
            stoppage_minutes=draft.stoppage_minutes,
            text=clean_text(draft.text),
            author=author,
            created_at=at,
        )
        if kind == Kind.STOPPAGE_TIME and period in STOPPAGE_FIELD:
            setattr(match, STOPPAGE_FIELD[period], draft.stoppage_minutes)
            match.save(update_fields=[STOPPAGE_FIELD[period]])
        score_changed = entry.is_goal and _refresh_score(match)
        scoreboard = score_changed or match.status != status_before or kind == Kind.STOPPAGE_TIME
        _append_update(match=match, action=Update.Action.PUBLISH, entry=entry, scoreboard=scoreboard)
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
    "stoppage_minutes",
    "overturned",
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
                {"kind": _("Le voci del cronometro non cambiano tipo: cancellala e ripubblica.")}
            )
        for name, value in changes.items():
            setattr(entry, name, value)
        if entry.kind not in CLOCK_TRANSITIONS:
            entry_validate(match=match, draft=EntryDraft.of(entry), entry_pk=entry.pk)
        if "text" in changes:
            entry.text = clean_text(entry.text)
        entry.edited_by = editor
        entry.edited_at = at or timezone.now()
        entry.version += 1
        entry.save()
        if entry.kind == Kind.STOPPAGE_TIME and entry.period in STOPPAGE_FIELD:
            setattr(match, STOPPAGE_FIELD[entry.period], entry.stoppage_minutes)
            match.save(update_fields=[STOPPAGE_FIELD[entry.period]])
        scoreboard = _refresh_score(match) or entry.kind in (*Entry.KEY_KINDS, Kind.STOPPAGE_TIME)
        _append_update(match=match, action=Update.Action.EDIT, entry=entry, scoreboard=scoreboard)
    return entry


def entry_delete(*, entry: Entry, editor=None, version: int | None = None) -> None:
    """Remove an entry from the blog (a clock entry cannot be removed: the match has moved on)."""
    with transaction.atomic():
        match = _lock(entry.match)
        entry = _lock_entry(entry, version)
        if entry.kind in CLOCK_TRANSITIONS:
            raise ValidationError(
                {"kind": _("Le voci del cronometro non si cancellano: modificane il testo.")}
            )
        was_key = entry.is_key
        entry_pk = entry.pk
        entry.delete()
        entry.pk = entry_pk
        scoreboard = _refresh_score(match) or was_key
        _append_update(match=match, action=Update.Action.DELETE, entry=entry, scoreboard=scoreboard)


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
            _append_update(match=match, action=Update.Action.PIN, entry=other, scoreboard=False)
        entry.pinned = pinned
        entry.save(update_fields=["pinned"])
        _append_update(match=match, action=Update.Action.PIN, entry=entry, scoreboard=False)
    return entry


def goal_overturn(*, entry: Entry, editor=None, text: str = "") -> Entry:
    """VAR rules a goal out: the goal stays in the blog, marked overturned, the score is recomputed, and a
    VAR entry tells the fans why."""
    if entry.kind not in Entry.GOAL_KINDS:
        raise ValidationError({"kind": _("Solo un gol può essere annullato dal VAR.")})
    with transaction.atomic():
        # Under the entry's row lock: a second click (or a second editor) finds it annulled already and
        # changes nothing, so one goal is overturned once, with one VAR entry.
        if Entry.objects.select_for_update().filter(pk=entry.pk, overturned=True).exists():
            raise ValidationError({"overturned": _("Questo gol è già stato annullato.")})
        entry_update(entry=entry, editor=editor, overturned=True)
        draft = EntryDraft(
            kind=Kind.VAR_CHECK,
            team=entry.team,
            player=entry.player,
            var_outcome=Entry.VarOutcome.GOAL_OVERTURNED,
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
    Match.objects.filter(pk=match.pk).update(summary=summary)
    match.summary = summary
    return match
