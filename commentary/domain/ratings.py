"""Pagelle, two voices: the editor's marks after the whistle, and the readers' votes beside them.

A mark is 4 to 10 in half points. A reader votes once per player per browser (a token the browser keeps in a
cookie; its digest is stored, never the token) and at most VOTES_PER_MINUTE times a minute from one address
(its digest too). Votes do not each send a frame to every fan: the first vote after a quiet moment queues one
refresh of the averages (commentary.tasks.ratings_refresh) a few seconds later, and the votes meanwhile ride
along with it.
"""

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count
from django.utils import timezone
from django.utils.translation import gettext as _

from commentary.models import Entry, Mark, PendingRefresh, PollOption, PollVote, Update, Vote
from matches.models import Match, Player

MARKS = [Decimal(n) / 2 for n in range(8, 21)]  # 4, 4.5, … 10
VOTES_PER_MINUTE = 30
REFRESH_AFTER = 3  # seconds between the first vote of a burst and the averages' refresh


class VoteRefused(ValidationError):
    """A vote that changes nothing, with the HTTP status that says why (409 again, 429 too many)."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


def digest(value: str) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}:{value}".encode()).hexdigest()


def a_mark(value) -> Decimal:
    try:
        mark = Decimal(str(value).replace(",", "."))
    except (InvalidOperation, ValueError):
        mark = None
    if mark not in MARKS:
        raise ValidationError(_("Un voto va da 4 a 10, anche mezzo punto."))
    return mark


def who_played(match: Match) -> list[Player]:
    """The starters and everyone who came on, in team-sheet order (home first)."""
    starters = [row.player for row in match.lineup.filter(role="starter").select_related("player", "team")]
    came_on = [
        e.player2 for e in match.entries.filter(kind=Entry.Kind.SUBSTITUTION).select_related("player2")
    ]
    home = [p for p in starters + came_on if p.team_id == match.home_team_id]
    away = [p for p in starters + came_on if p.team_id == match.away_team_id]
    return home + away


@dataclass
class Row:
    player: Player
    mark: Mark | None
    average: Decimal | None
    votes: int


def ratings(*, match: Match) -> list[Row]:
    """Every player who played, with the editor's mark and the readers' average and count."""
    marks = {m.player_id: m for m in match.marks.all()}
    readers = {
        r["player"]: r for r in match.votes.values("player").annotate(average=Avg("mark"), votes=Count("pk"))
    }
    rows = []
    for player in who_played(match):
        mine = readers.get(player.pk, {})
        average = mine.get("average")
        rows.append(
            Row(
                player,
                marks.get(player.pk),
                round(Decimal(average), 1) if average else None,
                mine.get("votes", 0),
            )
        )
    return rows


def marks_publish(*, match: Match, marks: dict[int, tuple], editor) -> None:
    """The editor's pagelle, {player id: (mark, judgement)}, all at once after the whistle; fans see them."""
    from commentary.domain.services import _append_update as append_update
    from commentary.domain.services import _lock as lock_match

    if match.status != Match.Status.FINISHED:
        raise ValidationError(_("Le pagelle si danno a partita finita."))
    played = {p.pk for p in who_played(match)}
    cleaned = {}
    for player_id, (mark, judgement) in marks.items():
        if player_id not in played:
            raise ValidationError(_("Si dà il voto solo a chi ha giocato."))
        cleaned[player_id] = (a_mark(mark), (judgement or "").strip()[:200])
    with transaction.atomic():
        match = lock_match(match)
        Mark.objects.filter(match=match).delete()
        Mark.objects.bulk_create(
            Mark(match=match, player_id=pid, mark=m, judgement=j, created_by=editor)
            for pid, (m, j) in cleaned.items()
        )
        append_update(
            match=match, action=Update.Action.RATINGS, entry=None, scoreboard=False, moved=False, user=editor
        )


def vote_cast(*, match: Match, player: Player, mark, voter: str, address: str) -> Vote:
    """A reader's vote: counted once, refused in words otherwise (and nothing changes)."""
    if match.status != Match.Status.FINISHED or not match.marks.exists():
        raise VoteRefused(_("Si vota quando escono le pagelle, a partita finita."), 400)
    if player.pk not in {p.pk for p in who_played(match)}:
        raise VoteRefused(_("Si vota solo chi ha giocato."), 400)
    mark = a_mark(mark)
    _bounded(Vote, address)
    try:
        with transaction.atomic():
            vote = Vote.objects.create(
                match=match, player=player, mark=mark, voter=digest(voter), address=digest(address)
            )
            _refresh_soon(match.pk)
    except IntegrityError:
        raise VoteRefused(
            _("Hai già votato %(player)s da questo browser.") % {"player": player}, 409
        ) from None
    return vote


def _bounded(model, address: str) -> None:
    """At most VOTES_PER_MINUTE of these (votes, or poll answers) a minute from one address."""
    since = timezone.now() - timedelta(minutes=1)
    if model.objects.filter(address=digest(address), created_at__gte=since).count() >= VOTES_PER_MINUTE:
        raise VoteRefused(_("Troppi voti in poco tempo: riprova tra un minuto."), 429)


def _refresh_soon(match_id: int) -> None:
    """Inside the vote's transaction: queue one refresh of the match's figures, unless one is queued."""
    _pending, first = PendingRefresh.objects.get_or_create(match_id=match_id)
    if first:
        transaction.on_commit(lambda: _queue_refresh(match_id))


def _queue_refresh(match_id: int) -> None:
    from commentary.tasks import ratings_refresh

    ratings_refresh.using(run_after=timezone.now() + timedelta(seconds=REFRESH_AFTER)).enqueue(match_id)


def refresh(*, match_id: int) -> None:
    """The readers' averages or a poll's results moved: one update for all the votes since the last one."""
    from commentary.domain.services import _append_update as append_update
    from commentary.domain.services import _lock as lock_match

    with transaction.atomic():
        match = lock_match(Match.objects.get(pk=match_id))
        PendingRefresh.objects.filter(match=match).delete()
        append_update(match=match, action=Update.Action.VOTES, entry=None, scoreboard=False, moved=False)


def poll_answer(*, entry: Entry, option_pk: int | None, voter: str, address: str) -> PollVote:
    """A reader's answer to a poll: once per poll per browser, bounded per address, as a vote."""
    if entry.kind != Entry.Kind.POLL:
        raise VoteRefused(_("Questa voce non è un sondaggio."), 400)
    option = PollOption.objects.filter(entry=entry, pk=option_pk).first() if option_pk else None
    if option is None:
        raise VoteRefused(_("Scegli una delle risposte."), 400)
    _bounded(PollVote, address)
    try:
        with transaction.atomic():
            answer = PollVote.objects.create(
                entry=entry, option=option, voter=digest(voter), address=digest(address)
            )
            _refresh_soon(entry.match_id)
    except IntegrityError:
        raise VoteRefused(_("Hai già risposto a questo sondaggio da questo browser."), 409) from None
    return answer
