"""The rules an entry must keep to be published or edited, checked against the match as it stood at the
entry's minute: who was on the pitch then, who had been booked, which period it was, how the shoot-out
stood. Every write in commentary.domain.services asks here first; the admin's form too.

Each rule raises a ValidationError keyed by the field the editor has to change, in words.
"""

from dataclasses import replace
from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from commentary.models import CLOCK_KINDS, Entry
from matches.models import Match

from .drafts import EntryDraft
from .selectors import MatchFacts, Pitch, key_entries, match_facts, pitch

Kind = Entry.Kind
Period = Entry.Period
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
# The period an entry without one belongs to, by the status of the match (the playing statuses and the
# breaks have a period of the same name).
PERIOD_OF_STATUS = {
    Status.SCHEDULED: Period.PRE_MATCH,
    Status.FINISHED: Period.POST_MATCH,
    Status.POSTPONED: Period.PRE_MATCH,
    Status.ABANDONED: Period.POST_MATCH,
}
PERIOD_ORDER = {period: index for index, period in enumerate(Period.values)}
# Kinds that tell what happened on the pitch: they belong to a period of play (or a break: a booking in the
# tunnel), never before the kick-off or after the final whistle.
EVENT_KINDS = tuple(k for k in Kind.values if k not in (*CLOCK_KINDS, Kind.COMMENTARY, Kind.STOPPAGE_TIME))
EVENT_PERIODS = (*Match.PLAYING_PERIODS, Period.HALF_TIME, Period.EXTRA_HALF_TIME, Period.PENALTIES)
# What a shoot-out has besides its kicks.
SHOOTOUT_EVENTS = (*Entry.SHOOTOUT_KINDS, *Entry.CARD_KINDS, Kind.VAR_CHECK, Kind.INJURY)
NEEDS_PLAYER = (
    *Entry.GOAL_KINDS,
    *Entry.CARD_KINDS,
    Kind.SUBSTITUTION,
    Kind.PENALTY_MISSED,
    Kind.PENALTY_SAVED,
)
NEEDS_TEAM = (*NEEDS_PLAYER, Kind.VAR_CHECK)
# A VAR decision that overturns an event, and the kinds of event it can overturn.
OVERTURNS = {
    Entry.VarOutcome.GOAL_OVERTURNED: Entry.GOAL_KINDS,
    Entry.VarOutcome.RED_CARD_OVERTURNED: Entry.SENDING_OFF_KINDS,
}
# Who must be on the pitch for an entry to make sense (the player; the second player where it plays too).
ON_PITCH = {
    **dict.fromkeys(
        (*Entry.GOAL_KINDS, Kind.PENALTY_MISSED, Kind.PENALTY_SAVED, Kind.CHANCE, Kind.WOODWORK, Kind.INJURY),
        "player",
    ),
    Kind.SUBSTITUTION: "player",
    Kind.SAVE: "both",
}
MAX_TEXT_LENGTH = 5000


def when(*, match: Match, draft: EntryDraft, at: datetime | None = None) -> EntryDraft:
    """The draft with its period and minute filled in: the period the match is in, the clock's minute."""
    if draft.kind in CLOCK_KINDS:
        return draft  # placed by the transition it makes (services.entry_publish)
    period = draft.period or PERIOD_OF_STATUS.get(match.status, match.status)
    minute, added = draft.minute, draft.added_minute
    if minute is None and period == match.status and (clock := match.clock(now=at)) is not None:
        minute, added = clock
    return replace(draft, period=period, minute=minute, added_minute=added)


def time_key(period: str | None, minute: int | None, added: int, pk: float) -> tuple:
    """Where an entry stands in the match's time: period, minute, added minute, then publication order."""
    return (PERIOD_ORDER.get(period, 0), -1 if minute is None else minute, added, pk)


def entry_validate(
    *, match: Match, draft: EntryDraft, entry_pk: int | None = None, at: datetime | None = None
) -> EntryDraft:
    """The draft with its time filled in; a ValidationError keyed by field if it cannot stand on this match.

    `entry_pk`: the entry being edited. Checked against the entries before the draft in the match's time.
    """
    draft = when(match=match, draft=draft, at=at)
    errors = _field_errors(match=match, draft=draft, editing=entry_pk is not None)
    if not errors and draft.kind in CLOCK_TRANSITIONS and entry_pk is None:
        errors = _clock_errors(match=match, kind=draft.kind)
    if not errors and draft.kind in EVENT_KINDS:
        errors = _time_errors(match=match, draft=draft)
    if not errors and draft.kind not in CLOCK_KINDS:
        # the match as it stood at the draft's minute, read only when a rule needs it (a line of commentary
        # naming nobody needs none)
        players = draft.player is not None or draft.player2 is not None
        kick = draft.period == Period.PENALTIES and draft.kind in Entry.SHOOTOUT_KINDS
        before = entries_before(match=match, draft=draft, entry_pk=entry_pk) if players or kick else []
        if players:
            errors = _pitch_errors(match=match, draft=draft, state=pitch(match=match, entries=before))
        if not errors and kick:
            errors = _shootout_errors(
                match=match, draft=draft, facts=match_facts(match=match, entries=before)
            )
        if not errors and draft.var_outcome in OVERTURNS:
            errors = _overturn_errors(match=match, draft=draft, editing=entry_pk is not None)
    if errors:
        raise ValidationError(errors)
    return draft


def entries_before(*, match: Match, draft: EntryDraft, entry_pk: int | None) -> list[Entry]:
    """The key entries before the draft in the match's time (an entry being edited is not one of them)."""
    if draft.minute is None and entry_pk is None:
        return key_entries(match=match)  # a live entry comes after everything
    mark = time_key(draft.period, draft.minute, draft.added_minute, entry_pk or float("inf"))
    return [
        e
        for e in key_entries(match=match)
        if e.pk != entry_pk and time_key(e.period, e.minute, e.added_minute, e.pk) < mark
    ]


def draft_validate(*, match: Match, draft: EntryDraft) -> None:
    """A draft is checked by itself and against the two teams; against the match's time and state only when
    it is published (entry_validate), since the match moves on meanwhile."""
    errors = _field_errors(match=match, draft=draft, editing=False)
    if draft.kind in CLOCK_KINDS:
        errors["kind"] = _("Un fischio non si prepara in bozza: si dà dal cronometro quando arriva.")
    if errors:
        raise ValidationError(errors)


def _field_errors(*, match: Match, draft: EntryDraft, editing: bool) -> dict[str, str]:
    """What the draft's fields say by themselves, and how they fit the two teams."""
    kind, team, player, player2 = draft.kind, draft.team, draft.player, draft.player2
    errors: dict[str, str] = {}
    if kind not in Kind.values:
        errors["kind"] = _("Tipo di voce sconosciuto.")
    team_ids = {match.home_team_id, match.away_team_id}
    if team is not None and team.pk not in team_ids:
        errors["team"] = _("La squadra non gioca questa partita.")
    if kind in NEEDS_TEAM and team is None:
        errors["team"] = _("Indica la squadra.")
    # a simulated replay knows the real score, not the scorers (commentary.demo.replay)
    if kind in NEEDS_PLAYER and player is None and not (match.simulated and kind in Entry.GOAL_KINDS):
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
    if kind in Entry.GOAL_KINDS and player2 is not None and player2 == player:
        errors["player2"] = _("L'assist non può essere di chi segna.")
    if draft.var_outcome and kind != Kind.VAR_CHECK:
        errors["var_outcome"] = _("L'esito VAR vale solo per le voci VAR.")
    if draft.var_outcome and draft.var_outcome not in Entry.VarOutcome.values:
        errors["var_outcome"] = _("Esito VAR sconosciuto.")
    if draft.overturns is not None and kind != Kind.VAR_CHECK:
        errors["overturns"] = _("Solo una voce VAR decide su un'altra voce.")
    stoppage = draft.stoppage_minutes
    if kind == Kind.STOPPAGE_TIME and not stoppage:
        errors["stoppage_minutes"] = _("Indica i minuti di recupero annunciati.")
    if kind == Kind.STOPPAGE_TIME and match.status not in Match.PLAYING_PERIODS and not editing:
        # what the desk offers only while the ball is rolling, refused the same to a direct POST
        errors["stoppage_minutes"] = _("Il recupero si annuncia solo mentre si gioca (ora: %(status)s).") % {
            "status": match.get_status_display()
        }
    if stoppage is not None and not 0 < stoppage <= 30:
        errors["stoppage_minutes"] = _("Il recupero va da 1 a 30 minuti.")
    if kind == Kind.COMMENTARY and not draft.text.strip():
        errors["text"] = _("Scrivi il testo della cronaca.")
    if len(draft.text) > MAX_TEXT_LENGTH:
        errors["text"] = _("Il testo supera i %(max)d caratteri.") % {"max": MAX_TEXT_LENGTH}
    if draft.minute is not None and not 0 <= draft.minute <= 130:
        errors["minute"] = _("Il minuto va da 0 a 130.")
    if not 0 <= draft.added_minute <= 30:
        errors["added_minute"] = _("Il recupero va da 0 a 30 minuti.")
    return errors


def _clock_errors(*, match: Match, kind: str) -> dict[str, str]:
    allowed_from, _to = CLOCK_TRANSITIONS[kind]
    if match.status not in allowed_from:
        return {
            "kind": _("“%(kind)s” non è possibile quando la partita è: %(status)s.")
            % {"kind": Kind(kind).label, "status": match.get_status_display()}
        }
    facts = match_facts(match=match, entries=key_entries(match=match))
    if kind == Kind.FULL_TIME and match.status == Status.PENALTIES and facts.shootout_winner is None:
        return {"kind": _("La serie dei rigori non è ancora decisa: registra i tiri che mancano.")}
    if kind in (Kind.EXTRA_TIME, Kind.PENALTIES) and not match.tie_level():
        return {"kind": _("Supplementari e rigori si giocano solo in parità.")}
    return {}


def _time_errors(*, match: Match, draft: EntryDraft) -> dict[str, str]:
    """A match event happens between the kick-off and the final whistle, in a period that has begun."""
    period = draft.period
    if period == Period.PRE_MATCH:
        return {
            "kind": _("Prima del calcio d'inizio non ci sono eventi di gioco: scrivi una voce di cronaca.")
        }
    if period not in EVENT_PERIODS:
        return {
            "period": _("Un evento di gioco va in un tempo della partita: indica il periodo e il minuto.")
        }
    if match.status in (Status.FINISHED, Status.ABANDONED):
        if not _played(match, period):
            return {"period": _("La partita non ha avuto questo periodo.")}
    elif PERIOD_ORDER[period] > PERIOD_ORDER[PERIOD_OF_STATUS.get(match.status, match.status)]:
        return {"period": _("Questo periodo non è ancora cominciato.")}
    if period in Match.PLAYING_PERIODS and draft.minute is not None:
        start, end = Match.PLAYING_PERIODS[period]
        if not start <= draft.minute <= end:
            return {
                "minute": _("Nel %(period)s il minuto va da %(start)d a %(end)d (il recupero: %(end)d+…).")
                % {"period": Period(period).label.lower(), "start": start, "end": end}
            }
        if draft.added_minute and draft.minute != end:
            return {"added_minute": _("Il recupero si aggiunge al %(end)d′.") % {"end": end}}
    if period == Period.PENALTIES and draft.kind not in SHOOTOUT_EVENTS:
        return {"kind": _("Durante i rigori si registrano i tiri: segnato, parato o sbagliato.")}
    return {}


def _played(match: Match, period: str) -> bool:
    """Whether a match that is over went through `period` (its clock entries say; a result without them, the
    regular time)."""
    started_by = {
        Period.FIRST_HALF: Kind.KICK_OFF,
        Period.HALF_TIME: Kind.HALF_TIME,
        Period.SECOND_HALF: Kind.SECOND_HALF,
        Period.EXTRA_FIRST_HALF: Kind.EXTRA_TIME,
        Period.EXTRA_HALF_TIME: Kind.EXTRA_HALF_TIME,
        Period.EXTRA_SECOND_HALF: Kind.EXTRA_SECOND_HALF,
        Period.PENALTIES: Kind.PENALTIES,
    }
    clock = set(match.entries.filter(kind__in=CLOCK_KINDS).values_list("kind", flat=True))
    if not clock:
        return period in (Period.FIRST_HALF, Period.HALF_TIME, Period.SECOND_HALF)
    return started_by.get(period) in clock


def _pitch_errors(*, match: Match, draft: EntryDraft, state: Pitch) -> dict[str, str]:
    """The football rules a team sheet lets us check: who can score, be booked, go off and come on."""
    kind, player, player2 = draft.kind, draft.player, draft.player2
    if (player is None and player2 is None) or not state.roles:
        return {}  # no team sheets yet: nothing to check against
    errors = {}
    rule = ON_PITCH.get(kind)
    if rule and player is not None and state.known(player.pk) and player.pk not in state.on:
        errors["player"] = _("%(player)s non è in campo.") % {"player": player}
    if rule == "both" and player2 is not None and state.known(player2.pk) and player2.pk not in state.on:
        errors["player2"] = _("%(player)s non è in campo.") % {"player": player2}
    if kind in (Kind.GOAL, Kind.PENALTY_GOAL) and player2 is not None and player2.pk not in state.on:
        errors["player2"] = _("%(player)s non è in campo.") % {"player": player2}
    if kind in Entry.CARD_KINDS and player is not None and player.pk in state.sent_off:
        errors["player"] = _("%(player)s è già stato espulso.") % {"player": player}
    if kind == Kind.SUBSTITUTION and player2 is not None:
        if player2.pk in state.on or player2.pk in state.came_on or player2.pk in state.sent_off:
            errors["player2"] = _("%(player)s è già entrato in campo.") % {"player": player2}
        elif state.known(player2.pk) and state.roles[player2.pk] != "bench":
            errors["player2"] = _("%(player)s non è in panchina.") % {"player": player2}
    return errors


def _shootout_errors(*, match: Match, draft: EntryDraft, facts: MatchFacts) -> dict[str, str]:
    """Kicks alternate, and none is taken once the shoot-out is decided."""
    if draft.kind not in Entry.SHOOTOUT_KINDS or draft.team is None:
        return {}
    if facts.shootout_winner is not None:
        return {"kind": _("La serie dei rigori è già decisa.")}
    due = facts.shootout_next()
    if due is not None and match.team_side(draft.team.pk) != due:
        team = match.home_team if due == "home" else match.away_team
        return {"team": _("Tocca a %(team)s: i rigori si tirano a turno.") % {"team": team.short_name}}
    return {}


def _overturn_errors(*, match: Match, draft: EntryDraft, editing: bool) -> dict[str, str]:
    target = draft.overturns or overturn_target(match=match, draft=draft)
    if target is None:
        return {"overturns": _("Non c'è una voce da annullare: indica quale.")}
    if target.match_id != match.pk or target.kind not in OVERTURNS[draft.var_outcome]:
        return {"overturns": _("Questa decisione VAR non può annullare “%(entry)s”.") % {"entry": target}}
    if target.overturned and not editing:
        return {"overturns": _("“%(entry)s” è già stato annullato.") % {"entry": target}}
    return {}


def overturn_target(*, match: Match, draft: EntryDraft) -> Entry | None:
    """The event a VAR decision overturns when the editor names none: the latest of its kind still standing
    (of the team named, if any)."""
    events = match.entries.filter(kind__in=OVERTURNS[draft.var_outcome], overturned=False)
    if draft.team is not None:
        events = events.filter(team=draft.team)
    return events.order_by("-pk").first()


def second_yellow(*, match: Match, draft: EntryDraft) -> bool:
    """Whether a yellow card is the player's second, counting the yellows before it in the match's time."""
    if draft.kind != Kind.YELLOW_CARD or draft.player is None:
        return False
    before = entries_before(match=match, draft=draft, entry_pk=None)
    player = draft.player.pk
    return any(e.kind == Kind.YELLOW_CARD and e.player_id == player and not e.overturned for e in before)
