"""The live blog: entries and the per-match update log that live delivery replays from."""

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import models
from django.utils.translation import gettext_lazy as _

from matches.models import Match, Player, Team
from matches.presenters import minute_label


class ReadersEntries(models.Manager):
    """The entries readers see: published and not deleted. A draft, a proposal and a deleted entry are hidden
    from every page, frame, feed and the API; `Entry.with_deleted` sees them all (the desk's drafts, the
    admin, a restore)."""

    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True, status="published")


class Entry(models.Model):
    class Kind(models.TextChoices):
        COMMENTARY = "commentary", _("Cronaca")
        GOAL = "goal", _("Gol")
        PENALTY_GOAL = "penalty_goal", _("Gol su rigore")
        OWN_GOAL = "own_goal", _("Autogol")
        PENALTY_MISSED = "penalty_missed", _("Rigore sbagliato")
        PENALTY_SAVED = "penalty_saved", _("Rigore parato")
        YELLOW_CARD = "yellow_card", _("Ammonizione")
        SECOND_YELLOW = "second_yellow", _("Doppia ammonizione")
        RED_CARD = "red_card", _("Espulsione")
        SUBSTITUTION = "substitution", _("Sostituzione")
        VAR_CHECK = "var_check", _("VAR")
        CHANCE = "chance", _("Occasione")
        SAVE = "save", _("Parata")
        WOODWORK = "woodwork", _("Legno")
        INJURY = "injury", _("Infortunio")
        KICK_OFF = "kick_off", _("Calcio d'inizio")
        HALF_TIME = "half_time", _("Fine primo tempo")
        SECOND_HALF = "second_half", _("Inizio secondo tempo")
        EXTRA_TIME = "extra_time", _("Supplementari")
        EXTRA_HALF_TIME = "extra_half_time", _("Fine primo supplementare")
        EXTRA_SECOND_HALF = "extra_second_half", _("Inizio secondo supplementare")
        PENALTIES = "penalties", _("Rigori")
        FULL_TIME = "full_time", _("Fischio finale")
        STOPPAGE_TIME = "stoppage_time", _("Recupero")
        POLL = "poll", _("Sondaggio")  # its text is the question; its options are PollOption rows

    class VarOutcome(models.TextChoices):
        NONE = "", _("In corso")
        GOAL_CONFIRMED = "goal_confirmed", _("Gol convalidato")
        GOAL_OVERTURNED = "goal_overturned", _("Gol annullato")
        PENALTY_AWARDED = "penalty_awarded", _("Rigore assegnato")
        PENALTY_CONFIRMED = "penalty_confirmed", _("Rigore confermato")
        PENALTY_OVERTURNED = "penalty_overturned", _("Rigore revocato")
        RED_CARD_CONFIRMED = "red_card_confirmed", _("Rosso confermato")
        RED_CARD_OVERTURNED = "red_card_overturned", _("Rosso revocato")

    class Period(models.TextChoices):
        PRE_MATCH = "pre_match", _("Prepartita")
        FIRST_HALF = "first_half", _("Primo tempo")
        HALF_TIME = "half_time", _("Intervallo")
        SECOND_HALF = "second_half", _("Secondo tempo")
        EXTRA_FIRST_HALF = "extra_first_half", _("Primo supplementare")
        EXTRA_HALF_TIME = "extra_half_time", _("Intervallo supplementari")
        EXTRA_SECOND_HALF = "extra_second_half", _("Secondo supplementare")
        PENALTIES = "penalties", _("Rigori")
        POST_MATCH = "post_match", _("Dopopartita")

    class Status(models.TextChoices):
        PUBLISHED = "published", _("Pubblicata")
        DRAFT = "draft", _("Bozza")  # its author's, not yet proposed
        PROPOSED = "proposed", _("Proposta")  # waiting for an editor to publish it
        SCHEDULED = "scheduled", _("Programmata")  # an editor set when it goes out (publish_at)

    GOAL_KINDS = (Kind.GOAL, Kind.PENALTY_GOAL, Kind.OWN_GOAL)
    # A shoot-out kick is one of these in the penalties period (scored, saved, missed); it is not a goal.
    SHOOTOUT_KINDS = (Kind.PENALTY_GOAL, Kind.PENALTY_SAVED, Kind.PENALTY_MISSED)
    CARD_KINDS = (Kind.YELLOW_CARD, Kind.SECOND_YELLOW, Kind.RED_CARD)
    SENDING_OFF_KINDS = (Kind.SECOND_YELLOW, Kind.RED_CARD)
    # Kinds that are part of the match's story, shown in "key events" views and on the timeline.
    KEY_KINDS = (
        *GOAL_KINDS,
        *CARD_KINDS,
        Kind.PENALTY_MISSED,
        Kind.PENALTY_SAVED,
        Kind.SUBSTITUTION,
        Kind.VAR_CHECK,
    )

    # What makes a line of a round's blog ("diretta gol"): goals, penalties, sending-offs, VAR decisions, the
    # half- and full-time whistles (a VAR check still under way, and shoot-out kicks, do not).
    ROUND_BLOG_KINDS = (
        *GOAL_KINDS,
        Kind.PENALTY_MISSED,
        Kind.PENALTY_SAVED,
        *SENDING_OFF_KINDS,
        Kind.VAR_CHECK,
        Kind.HALF_TIME,
        Kind.FULL_TIME,
    )

    # Symbols of static/img/icons.svg
    ICONS = {
        Kind.GOAL: "ball",
        Kind.PENALTY_GOAL: "ball",
        Kind.OWN_GOAL: "ball",
        Kind.PENALTY_MISSED: "miss",
        Kind.PENALTY_SAVED: "glove",
        Kind.YELLOW_CARD: "yellow",
        Kind.SECOND_YELLOW: "second-yellow",
        Kind.RED_CARD: "red",
        Kind.SUBSTITUTION: "sub",
        Kind.VAR_CHECK: "var",
        Kind.CHANCE: "chance",
        Kind.SAVE: "glove",
        Kind.WOODWORK: "woodwork",
        Kind.INJURY: "injury",
        Kind.STOPPAGE_TIME: "clock",
    }

    match = models.ForeignKey(
        Match, on_delete=models.CASCADE, related_name="entries", verbose_name=_("partita")
    )
    period = models.CharField(_("periodo"), max_length=20, choices=Period.choices)
    minute = models.PositiveSmallIntegerField(_("minuto"), null=True, blank=True)
    added_minute = models.PositiveSmallIntegerField(_("minuto di recupero"), default=0)
    kind = models.CharField(_("tipo"), max_length=20, choices=Kind.choices, default=Kind.COMMENTARY)
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("squadra")
    )
    player = models.ForeignKey(
        Player, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("giocatore")
    )
    player2 = models.ForeignKey(
        Player,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("secondo giocatore"),
        help_text=_("Chi entra in una sostituzione, l'assist in un gol, chi tira in una parata."),
    )
    var_outcome = models.CharField(_("esito VAR"), max_length=20, choices=VarOutcome.choices, blank=True)
    overturns = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decisione su"),
        help_text=_("La voce (gol, rigore, espulsione) che questa decisione VAR conferma o annulla."),
    )
    # Set and cleared only by the VAR entry that overturns this one (commentary.domain.services).
    overturned = models.BooleanField(_("annullato dal VAR"), default=False, editable=False)
    stoppage_minutes = models.PositiveSmallIntegerField(
        _("minuti di recupero annunciati"), null=True, blank=True
    )
    text = models.TextField(_("testo"), blank=True)
    pinned = models.BooleanField(_("in evidenza"), default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("autore"),
    )
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("modificato da"),
    )
    created_at = models.DateTimeField(_("pubblicato il"))
    edited_at = models.DateTimeField(_("modificato il"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    # a draft or a proposal is nobody's but the desk's: no page, frame, feed or API shows it
    status = models.CharField(
        _("stato"), max_length=10, choices=Status.choices, default=Status.PUBLISHED, editable=False
    )
    publish_at = models.DateTimeField(_("da pubblicare il"), null=True, blank=True, editable=False)
    deleted_at = models.DateTimeField(_("cancellata il"), null=True, blank=True, editable=False)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("cancellata da"),
    )

    with_deleted = models.Manager()
    objects = ReadersEntries()  # the default (Meta.default_manager_name), so `match.entries` hides them too

    class Meta:
        default_manager_name = "objects"
        verbose_name = _("voce di cronaca")
        verbose_name_plural = _("voci di cronaca")
        permissions = [  # commentary.domain.permissions maps every action to its permission
            ("pin_entry", _("Può mettere in evidenza una voce")),
            ("overturn_entry", _("Può annullare un gol (VAR)")),
            ("run_clock", _("Può muovere il cronometro (inizio, intervallo, recupero, fine)")),
            ("propose_entry", _("Può scrivere bozze e proporle")),
        ]
        # Publication order: what a live reader saw arrive, and what a page reload shows again.
        ordering = ["match", "pk"]
        indexes = [models.Index(fields=["match", "kind"])]
        constraints = [
            models.UniqueConstraint(
                fields=["match"], condition=models.Q(pinned=True), name="entry_one_pinned_per_match"
            ),
        ]

    def __str__(self):
        return f"{self.minute_label} {self.get_kind_display()}".strip()

    @property
    def minute_label(self) -> str:
        return minute_label(self.minute, self.added_minute)

    @property
    def icon(self) -> str:
        if self.kind in CLOCK_KINDS:
            return "whistle"
        return self.ICONS.get(self.kind, "")

    @property
    def is_clock(self) -> bool:
        return self.kind in CLOCK_KINDS

    @property
    def is_key(self) -> bool:
        return self.kind in self.KEY_KINDS

    @property
    def poll(self) -> list[tuple]:
        """A poll's options with their votes and share in percent: [(option, votes, percent)]."""
        options = list(self.options.annotate(answers=models.Count("votes")).order_by("order", "pk"))
        total = sum(option.answers for option in options)
        return [(o, o.answers, round(100 * o.answers / total) if total else 0) for o in options]

    @property
    def on_round_blog(self) -> bool:
        if self.kind == self.Kind.VAR_CHECK:
            return bool(self.var_outcome)
        return self.kind in self.ROUND_BLOG_KINDS and not self.is_shootout_kick

    @property
    def is_shootout_kick(self) -> bool:
        return self.period == self.Period.PENALTIES and self.kind in self.SHOOTOUT_KINDS

    @property
    def is_goal(self) -> bool:
        return self.kind in self.GOAL_KINDS and not self.is_shootout_kick


CLOCK_KINDS = (
    Entry.Kind.KICK_OFF,
    Entry.Kind.HALF_TIME,
    Entry.Kind.SECOND_HALF,
    Entry.Kind.EXTRA_TIME,
    Entry.Kind.EXTRA_HALF_TIME,
    Entry.Kind.EXTRA_SECOND_HALF,
    Entry.Kind.PENALTIES,
    Entry.Kind.FULL_TIME,
)


class Update(models.Model):
    """One row per change a fan must see, numbered 1, 2, 3… per match with no gaps.

    The rendered fragment is stored with it: it is rendered once, sent to every fan, and replayed as is to a
    client that reconnects with `since`.
    """

    class Action(models.TextChoices):
        PUBLISH = "publish", _("Pubblicazione")
        EDIT = "edit", _("Modifica")
        DELETE = "delete", _("Cancellazione")
        PIN = "pin", _("In evidenza")
        STATUS = "status", _("Stato partita")
        MATCH = "match", _("Dati della partita")  # summary, team sheets, kick-off time, officials
        RESTORE = "restore", _("Ripristino")  # a deleted entry back: to fans, the same as a publish
        # the editors' queue changed (a proposal came, went or was scheduled): to fans, the scoreboard as it
        # is (nothing of the proposal); the editors' desks, which follow the same socket, read their queue
        QUEUE = "queue", _("Coda della redazione")
        STATS = "stats", _("Statistiche")  # a shot, a corner, a foul, an offside, the possession
        RATINGS = "ratings", _("Pagelle")  # the editor's marks
        VOTES = "votes", _("Voti dei lettori")  # the readers' averages moved (one update for many votes)

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="updates")
    seq = models.PositiveIntegerField()
    action = models.CharField(max_length=10, choices=Action.choices)
    entry_id = models.BigIntegerField(null=True, blank=True)
    # who made the change (the audit trail: every publish, edit, delete, restore and pin is a row here)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("utente"),
    )
    html = models.TextField(blank=True)  # in the site's default language
    translations = models.JSONField(default=dict, blank=True)  # the same frame in the other languages
    # What the update changes on a page that follows many matches (home, round): the match's card, its line in
    # the round's blog, the live table; per language, {} when it changes none of them (docs/PROTOCOL.md)
    ticker = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("aggiornamento")
        verbose_name_plural = _("registro aggiornamenti")
        ordering = ["match", "seq"]
        constraints = [models.UniqueConstraint(fields=["match", "seq"], name="update_seq_unique_per_match")]

    def __str__(self):
        return f"#{self.seq} {self.get_action_display()}"

    @staticmethod
    def frames_of(html: str, translations: dict, ticker: dict) -> dict[str, str]:
        """Every frame of the update: {"it": …, "en": …, "ticker:it": …, "ticker:en": …}."""
        return {
            settings.LANGUAGE_CODE: html,
            **translations,
            **{TICKER + language: text for language, text in ticker.items()},
        }

    @staticmethod
    def fields_of(frames: dict[str, str]) -> dict:
        """The other way round: the fields that store `frames`."""
        default = settings.LANGUAGE_CODE
        return {
            "html": frames[default],
            "translations": {k: v for k, v in frames.items() if k != default and not k.startswith(TICKER)},
            "ticker": {k.removeprefix(TICKER): v for k, v in frames.items() if k.startswith(TICKER)},
        }


TICKER = "ticker:"  # the key prefix of a ticker frame among an update's frames


class Picture(models.Model):
    """A photo of an entry, as the desk stored it: re-encoded (nothing of the uploaded file's metadata is
    kept: no EXIF, no GPS) in a few widths (commentary.domain.pictures). `variants`: {width: storage name}."""

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="pictures")
    entry = models.ForeignKey(
        Entry,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="pictures",
        verbose_name=_("voce"),
    )
    alt = models.CharField(_("testo alternativo"), max_length=300)
    caption = models.CharField(_("didascalia"), max_length=300, blank=True)
    credit = models.CharField(_("crediti"), max_length=120, blank=True)
    width = models.PositiveIntegerField(editable=False)
    height = models.PositiveIntegerField(editable=False)
    variants = models.JSONField(default=dict, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("foto")
        verbose_name_plural = _("foto")
        ordering = ["pk"]

    def __str__(self):
        return self.alt

    def _url(self, width) -> str:
        return default_storage.url(self.variants[str(width)])

    @property
    def src(self) -> str:
        """The widest variant: what a browser that reads no srcset shows."""
        return self._url(max(int(w) for w in self.variants))

    @property
    def size(self) -> int:
        """Bytes of the widest variant (a feed's enclosure says it)."""
        return default_storage.size(self.variants[str(max(int(w) for w in self.variants))])

    @property
    def srcset(self) -> str:
        return ", ".join(f"{self._url(w)} {w}w" for w in sorted(int(w) for w in self.variants))


class Stat(models.Model):
    """What the desk logs for the match's numbers, apart from the blog: a shot (where from, how it ended), a
    corner, a foul, an offside, or who has the ball from now on (possession). Team statistics and the shot
    map are derived from these and the entries (commentary.domain.stats); nothing is typed as a total."""

    class Kind(models.TextChoices):
        SHOT_ON = "shot_on", _("Tiro in porta")
        SHOT_OFF = "shot_off", _("Tiro fuori")
        SHOT_BLOCKED = "shot_blocked", _("Tiro respinto")
        SHOT_GOAL = "shot_goal", _("Gol (posizione del tiro)")
        CORNER = "corner", _("Calcio d'angolo")
        FOUL = "foul", _("Fallo")
        OFFSIDE = "offside", _("Fuorigioco")
        POSSESSION = "possession", _("Possesso palla")

    SHOTS = (Kind.SHOT_ON, Kind.SHOT_OFF, Kind.SHOT_BLOCKED, Kind.SHOT_GOAL)

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="stats")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    # where a shot was taken from: 0–100 along the pitch towards the goal it aims at, 0–100 across it
    x = models.PositiveSmallIntegerField(null=True, blank=True)
    y = models.PositiveSmallIntegerField(null=True, blank=True)
    entry = models.ForeignKey(Entry, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["match", "pk"]
        verbose_name = _("dato statistico")
        verbose_name_plural = _("dati statistici")

    def __str__(self):
        return self.get_kind_display()


class Mark(models.Model):
    """The editor's pagella: a mark (4–10, in half points) and a line of judgement for a player who played."""

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="marks")
    player = models.ForeignKey(Player, on_delete=models.CASCADE, related_name="+")
    mark = models.DecimalField(_("voto"), max_digits=3, decimal_places=1)
    judgement = models.CharField(_("giudizio"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("pagella")
        verbose_name_plural = _("pagelle")
        constraints = [models.UniqueConstraint(fields=["match", "player"], name="one_mark_per_player")]

    def __str__(self):
        return f"{self.player} {self.mark}"


class Vote(models.Model):
    """A reader's mark for a player: one per player per browser (`voter`: a digest of the browser's token),
    bounded per address (`address`: a digest of it) in time; no account."""

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="votes")
    player = models.ForeignKey(Player, on_delete=models.CASCADE, related_name="+")
    mark = models.DecimalField(max_digits=3, decimal_places=1)
    voter = models.CharField(max_length=64)
    address = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("voto dei lettori")
        verbose_name_plural = _("voti dei lettori")
        constraints = [
            models.UniqueConstraint(fields=["match", "player", "voter"], name="one_vote_per_browser")
        ]
        indexes = [models.Index(fields=["address", "created_at"])]

    def __str__(self):
        return f"{self.player} {self.mark}"


class PendingRefresh(models.Model):
    """A match whose readers' averages changed and whose refresh is queued: at most one at a time, so a
    thousand votes make one update every few seconds, not a thousand (commentary.tasks.ratings_refresh)."""

    match = models.OneToOneField(Match, on_delete=models.CASCADE, related_name="+")

    def __str__(self):
        return str(self.match_id)


class ReaderMessage(models.Model):
    """A reader's message or question to the desk: never published by itself; an editor may quote it."""

    class Status(models.TextChoices):
        NEW = "new", _("Da leggere")
        QUOTED = "quoted", _("Citato")
        DISMISSED = "dismissed", _("Scartato")

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="reader_messages")
    name = models.CharField(_("nome"), max_length=60, blank=True)
    text = models.CharField(_("messaggio"), max_length=500)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    address = models.CharField(max_length=64)  # a digest, for the rate limit
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("messaggio dei lettori")
        verbose_name_plural = _("messaggi dei lettori")
        indexes = [models.Index(fields=["address", "created_at"])]

    def __str__(self):
        return self.text[:60]


class PollOption(models.Model):
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="options")
    label = models.CharField(_("opzione"), max_length=60)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["entry", "order", "pk"]
        verbose_name = _("opzione del sondaggio")
        verbose_name_plural = _("opzioni del sondaggio")

    def __str__(self):
        return self.label


class PollVote(models.Model):
    """A reader's answer to a poll: one per poll per browser, bounded per address, as the pagelle's votes."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="+")
    option = models.ForeignKey(PollOption, on_delete=models.CASCADE, related_name="votes")
    voter = models.CharField(max_length=64)
    address = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("risposta al sondaggio")
        verbose_name_plural = _("risposte ai sondaggi")
        constraints = [models.UniqueConstraint(fields=["entry", "voter"], name="one_answer_per_browser")]
        indexes = [models.Index(fields=["address", "created_at"])]

    def __str__(self):
        return str(self.option)
