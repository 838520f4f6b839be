"""The football world: competitions, teams, players, matches and their line-ups.

This app never imports `commentary`. What happens during a match lives there; the few facts of a match
that pages and tables need at a glance (status, score, stoppage time) are stored here and written only by
`commentary.domain.services`, from the entries.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .presenters import minute_label


class Competition(models.Model):
    name = models.CharField(_("nome"), max_length=100)
    season = models.CharField(_("stagione"), max_length=20, help_text=_("Es. 2023/24"))
    away_goals_rule = models.BooleanField(
        _("regola dei gol in trasferta"),
        default=False,
        help_text=_("Nei doppi confronti, a parità di gol passa chi ne ha segnati di più in trasferta."),
    )
    matchdays = models.PositiveSmallIntegerField(
        _("giornate"),
        null=True,
        blank=True,
        help_text=_(
            "Per un campionato: quante giornate ha (Serie A: 38). In classifica contano solo le partite di "
            "queste giornate; un'amichevole o una prova va senza giornata. Vuoto: ogni partita conta."
        ),
    )

    class Meta:
        verbose_name = _("competizione")
        verbose_name_plural = _("competizioni")
        ordering = ["-season", "name"]
        constraints = [models.UniqueConstraint(fields=["name", "season"], name="competition_unique_season")]

    def __str__(self):
        return f"{self.name} {self.season}"


class Team(models.Model):
    name = models.CharField(_("nome"), max_length=100, unique=True)
    short_name = models.CharField(_("nome breve"), max_length=30)
    code = models.CharField(_("sigla"), max_length=3, help_text=_("Tre lettere, es. MIL"))
    primary_colour = models.CharField(_("colore principale"), max_length=7, default="#1f2937")
    secondary_colour = models.CharField(_("colore secondario"), max_length=7, default="#ffffff")

    class Meta:
        verbose_name = _("squadra")
        verbose_name_plural = _("squadre")
        ordering = ["short_name"]

    def __str__(self):
        return self.short_name


class Player(models.Model):
    class Position(models.TextChoices):
        GOALKEEPER = "GK", _("Portiere")
        DEFENDER = "DF", _("Difensore")
        MIDFIELDER = "MF", _("Centrocampista")
        FORWARD = "FW", _("Attaccante")

    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="players", verbose_name=_("squadra")
    )
    name = models.CharField(_("nome completo"), max_length=100)
    known_as = models.CharField(
        _("nome in cronaca"), max_length=60, blank=True, help_text=_("Come appare in cronaca, es. Leão")
    )
    shirt_number = models.PositiveSmallIntegerField(_("numero di maglia"), null=True, blank=True)
    position = models.CharField(_("ruolo"), max_length=2, choices=Position.choices, blank=True)

    class Meta:
        verbose_name = _("giocatore")
        verbose_name_plural = _("giocatori")
        ordering = ["team", "shirt_number", "name"]
        constraints = [models.UniqueConstraint(fields=["team", "name"], name="player_unique_name_in_team")]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.known_as or self.name


class MatchQuerySet(models.QuerySet):
    def live(self):
        return self.filter(status__in=Match.LIVE_STATUSES)

    def upcoming(self):
        return self.filter(status=Match.Status.SCHEDULED)

    def finished(self):
        return self.filter(status=Match.Status.FINISHED)

    def with_teams(self):
        return self.select_related("competition", "home_team", "away_team")

    def round_of(self, match: "Match"):
        """The matches of `match`'s round: its matchday's in the season or, for a replay, the replays of that
        matchday (a replayed round stands apart from the season it copies)."""
        return self.filter(
            competition_id=match.competition_id,
            matchday=match.matchday,
            replay_of__isnull=match.replay_of_id is None,
        )


class Match(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Da giocare")
        FIRST_HALF = "first_half", _("Primo tempo")
        HALF_TIME = "half_time", _("Intervallo")
        SECOND_HALF = "second_half", _("Secondo tempo")
        EXTRA_FIRST_HALF = "extra_first_half", _("Primo supplementare")
        EXTRA_HALF_TIME = "extra_half_time", _("Intervallo supplementari")
        EXTRA_SECOND_HALF = "extra_second_half", _("Secondo supplementare")
        PENALTIES = "penalties", _("Rigori")
        FINISHED = "finished", _("Finale")
        POSTPONED = "postponed", _("Rinviata")
        ABANDONED = "abandoned", _("Sospesa")

    # The periods in which the ball is rolling, with the minute each starts from.
    PLAYING_PERIODS = {
        Status.FIRST_HALF: (0, 45),
        Status.SECOND_HALF: (45, 90),
        Status.EXTRA_FIRST_HALF: (90, 105),
        Status.EXTRA_SECOND_HALF: (105, 120),
    }
    LIVE_STATUSES = (
        Status.FIRST_HALF,
        Status.HALF_TIME,
        Status.SECOND_HALF,
        Status.EXTRA_FIRST_HALF,
        Status.EXTRA_HALF_TIME,
        Status.EXTRA_SECOND_HALF,
        Status.PENALTIES,
    )

    competition = models.ForeignKey(
        Competition, on_delete=models.PROTECT, related_name="matches", verbose_name=_("competizione")
    )
    matchday = models.PositiveSmallIntegerField(_("giornata"), null=True, blank=True)
    round_name = models.CharField(_("turno"), max_length=60, blank=True, help_text=_("Es. Semifinale"))
    home_team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="home_matches", verbose_name=_("squadra di casa")
    )
    away_team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="away_matches", verbose_name=_("squadra ospite")
    )
    kickoff = models.DateTimeField(_("calcio d'inizio"))
    venue = models.CharField(_("stadio"), max_length=100, blank=True)
    referee = models.CharField(_("arbitro"), max_length=100, blank=True)
    status = models.CharField(_("stato"), max_length=20, choices=Status.choices, default=Status.SCHEDULED)
    period_started_at = models.DateTimeField(
        _("inizio del periodo in corso"), null=True, blank=True, help_text=_("Fa girare il cronometro.")
    )
    home_formation = models.CharField(_("modulo casa"), max_length=20, blank=True)
    away_formation = models.CharField(_("modulo ospiti"), max_length=20, blank=True)
    home_coach = models.CharField(_("allenatore casa"), max_length=100, blank=True)
    away_coach = models.CharField(_("allenatore ospiti"), max_length=100, blank=True)
    stoppage_first_half = models.PositiveSmallIntegerField(_("recupero 1° tempo"), null=True, blank=True)
    stoppage_second_half = models.PositiveSmallIntegerField(_("recupero 2° tempo"), null=True, blank=True)
    stoppage_extra_first_half = models.PositiveSmallIntegerField(
        _("recupero 1° supplementare"), null=True, blank=True
    )
    stoppage_extra_second_half = models.PositiveSmallIntegerField(
        _("recupero 2° supplementare"), null=True, blank=True
    )
    first_leg = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="second_leg",
        verbose_name=_("andata"),
        help_text=_("Per il ritorno di un doppio confronto: la partita d'andata, tra le stesse squadre."),
    )
    # Derived from the goal entries by commentary.domain.services (or set by a results import for a match that
    # has no commentary); never typed by an editor. A shoot-out's kicks are not goals: they have their own
    # score, and only the match's goals reach the standings.
    home_score = models.PositiveSmallIntegerField(_("gol casa"), null=True, blank=True, editable=False)
    away_score = models.PositiveSmallIntegerField(_("gol ospiti"), null=True, blank=True, editable=False)
    home_score_half_time = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    away_score_half_time = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    extra_time = models.BooleanField(_("supplementari"), default=False, editable=False)
    home_penalties = models.PositiveSmallIntegerField(_("rigori casa"), null=True, blank=True, editable=False)
    away_penalties = models.PositiveSmallIntegerField(
        _("rigori ospiti"), null=True, blank=True, editable=False
    )
    summary = models.TextField(_("sintesi"), blank=True)
    # A replay (manage.py replay_match) plays a finished match again, its clock running clock_speed times
    # faster than the wall clock.
    replay_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replays",
        verbose_name=_("replica di"),
    )
    clock_speed = models.FloatField(_("velocità del cronometro"), default=1.0, editable=False)
    # A replay whose events' minutes were invented (the round demo: the data has only the half- and full-time
    # scores); every page that shows it says so.
    simulated = models.BooleanField(_("minuti simulati"), default=False, editable=False)

    objects = MatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("partita")
        verbose_name_plural = _("partite")
        ordering = ["-kickoff"]
        constraints = [
            models.CheckConstraint(condition=~Q(home_team=models.F("away_team")), name="match_two_teams"),
            models.CheckConstraint(condition=~Q(first_leg=models.F("pk")), name="match_not_own_first_leg"),
        ]
        indexes = [models.Index(fields=["status", "kickoff"])]

    def __str__(self):
        return f"{self.home_team} – {self.away_team}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("match-detail", args=[self.pk])

    def clean(self):
        """A league's match is on one of its matchdays (the admin's form asks here)."""
        super().clean()
        limit = self.competition.matchdays if self.competition_id else None
        if limit and self.matchday is not None and self.matchday > limit:
            raise ValidationError(
                {
                    "matchday": _(
                        "%(competition)s ha %(limit)d giornate: la %(matchday)d non esiste. Una partita di "
                        "prova o un'amichevole va senza giornata (e non entra in classifica)."
                    )
                    % {"competition": self.competition, "limit": limit, "matchday": self.matchday}
                }
            )

    @property
    def is_live(self) -> bool:
        return self.status in self.LIVE_STATUSES

    @property
    def has_live_table(self) -> bool:
        """A league match has a table "if it ended like this" (matches.standings.live_table)."""
        return self.matchday is not None and self.competition.matchdays is not None

    @property
    def has_score(self) -> bool:
        return self.home_score is not None

    @property
    def has_shootout(self) -> bool:
        return self.home_penalties is not None

    def goals_of(self, team_id: int) -> int:
        return self.home_score if team_id == self.home_team_id else self.away_score

    def aggregate(self) -> tuple[int, int] | None:
        """Home and away side's goals over both legs, for a second leg with a score; else None."""
        first = self.first_leg
        if first is None or not (first.has_score and self.has_score):
            return None
        return (
            self.home_score + first.goals_of(self.home_team_id),
            self.away_score + first.goals_of(self.away_team_id),
        )

    def tie_level(self) -> bool:
        """Whether the tie is level, so extra time or a shoot-out must decide it: the score, or for a second
        leg the aggregate (and the away goals, where the competition counts them)."""
        if not self.has_score:
            return False
        if self.first_leg_id is None:
            return self.home_score == self.away_score
        aggregate = self.aggregate()
        if aggregate is None or aggregate[0] != aggregate[1]:
            return False
        if not self.competition.away_goals_rule:
            return True
        home_away_goals, away_away_goals = self.away_goals()
        return home_away_goals == away_away_goals

    def away_goals(self) -> tuple[int, int] | None:
        """For a second leg with a score: each side's goals away from home over the two legs."""
        if self.aggregate() is None:
            return None
        return self.first_leg.goals_of(self.home_team_id), self.away_score

    def team_side(self, team_id: int) -> str:
        return "home" if team_id == self.home_team_id else "away"

    def clock(self, now=None) -> tuple[int, int] | None:
        """The match minute and added minute shown by the scoreboard, or None when the ball is not rolling."""
        if self.status not in self.PLAYING_PERIODS or self.period_started_at is None:
            return None
        start, end = self.PLAYING_PERIODS[self.status]
        elapsed = (
            ((now or timezone.now()) - self.period_started_at) * self.clock_speed // timedelta(minutes=1)
        )
        minute = start + max(elapsed, 0) + 1
        if minute > end:
            return end, minute - end
        return minute, 0

    @property
    def minute_label(self) -> str:
        clock = self.clock()
        if clock is None:
            return ""
        return minute_label(*clock)


class LineupEntry(models.Model):
    class Role(models.TextChoices):
        STARTER = "starter", pgettext_lazy("line-up", "Titolare")
        BENCH = "bench", pgettext_lazy("line-up", "Panchina")

    match = models.ForeignKey(
        Match, on_delete=models.CASCADE, related_name="lineup", verbose_name=_("partita")
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+", verbose_name=_("squadra"))
    player = models.ForeignKey(
        Player, on_delete=models.PROTECT, related_name="+", verbose_name=_("giocatore")
    )
    role = models.CharField(_("ruolo"), max_length=10, choices=Role.choices, default=Role.STARTER)
    order = models.PositiveSmallIntegerField(
        _("ordine"),
        default=0,
        help_text=_("Posizione nella distinta: per i titolari, dal portiere in avanti."),
    )

    class Meta:
        verbose_name = _("giocatore in distinta")
        verbose_name_plural = _("formazioni")
        ordering = ["match", "team", "-role", "order"]  # starters (s) before bench (b)
        constraints = [
            models.UniqueConstraint(fields=["match", "player"], name="lineup_player_once_per_match"),
        ]

    def __str__(self):
        return f"{self.player} ({self.get_role_display()})"


def in_a_round(matchday: int | None, matchdays: int | None) -> bool:
    """A league counts a match of one of its matchdays; a competition without matchdays counts every match."""
    return matchdays is None or (matchday is not None and matchday <= matchdays)
