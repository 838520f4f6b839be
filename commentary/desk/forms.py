"""The live desk's forms. They collect and resolve input; the rules live in commentary.domain.services."""

import difflib
import re

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from commentary.domain.rules import MAX_TEXT_LENGTH, OVERTURNS
from commentary.domain.selectors import Pitch
from commentary.models import CLOCK_KINDS, Entry
from matches.forms import TabellinoForm
from matches.models import Match, Player
from matches.names import fold

Kind = Entry.Kind
# Kinds whose "player" is anyone on the team sheet who has not been sent off (a booking on the bench happens);
# for the others it is someone on the pitch. The player coming on comes from the bench.
SHEET_KINDS = Entry.CARD_KINDS
# The composer's kinds, the commonest first (clock and stoppage time have their own buttons).
COMMON_KINDS = [
    Kind.COMMENTARY,
    Kind.GOAL,
    Kind.PENALTY_GOAL,
    Kind.OWN_GOAL,
    Kind.YELLOW_CARD,
    Kind.RED_CARD,
    Kind.SUBSTITUTION,
    Kind.VAR_CHECK,
    Kind.CHANCE,
    Kind.SAVE,
    Kind.WOODWORK,
    Kind.INJURY,
]
COMPOSER_KINDS = [
    (k, Kind(k).label)
    for k in dict.fromkeys([*COMMON_KINDS, *Kind.values])
    if k not in CLOCK_KINDS and k != Kind.STOPPAGE_TIME
]


def player_label(player: Player, match: Match) -> str:
    """How a player appears in the pickers and is typed back: '10 Leão · Milan'."""
    team = match.home_team if player.team_id == match.home_team_id else match.away_team
    number = f"{player.shirt_number} " if player.shirt_number is not None else ""
    return f"{number}{player.display_name} · {team.short_name}"


def entry_label(entry: Entry) -> str:
    """How an event appears in the VAR picker: '23′ Gol · Messi'."""
    who = f" · {entry.player.display_name}" if entry.player else ""
    return f"{entry}{who}"


def suggestions(text: str, candidates: list[Player], match: Match) -> list[str]:
    """The candidates whose names look like what the editor typed (a typo, a missing letter)."""
    wanted = fold(re.sub(r"^\d+\s*", "", text.split("·")[0]))
    names = {}
    for player in candidates:
        for name in (player.display_name, player.name, player.name.split()[-1] if player.name else ""):
            names.setdefault(fold(name), player)
    close = difflib.get_close_matches(wanted, names, n=3, cutoff=0.7)
    return list(dict.fromkeys(player_label(names[name], match) for name in close))


def resolve_player(text: str, candidates: list[Player], match: Match) -> Player:
    """The one candidate the editor means by a shirt number, a few letters, or a picker label."""
    text = text.strip()
    for player in candidates:
        if text == player_label(player, match):
            return player
    number = re.match(r"^(\d{1,3})\b\s*(.*)$", text)
    if number:
        found = [p for p in candidates if p.shirt_number == int(number.group(1))]
        rest = fold(number.group(2).split("·")[0])
        if rest:
            found = [p for p in found if rest in fold(p.name) or rest in fold(p.display_name)] or found
    else:
        wanted = fold(text.split("·")[0])
        found = [p for p in candidates if fold(p.display_name) == wanted or fold(p.name) == wanted]
        if not found:
            found = [p for p in candidates if wanted in fold(p.name) or wanted in fold(p.display_name)]
    if len(found) == 1:
        return found[0]
    if not found and (close := suggestions(text, candidates, match)):
        raise forms.ValidationError(
            _("Nessun giocatore disponibile corrisponde a “%(text)s”: forse %(names)s?")
            % {"text": text, "names": " o ".join(close)}
        )
    if not found:
        raise forms.ValidationError(
            _("Nessun giocatore disponibile corrisponde a “%(text)s”.") % {"text": text}
        )
    names = ", ".join(player_label(p, match) for p in found[:5])
    raise forms.ValidationError(_("“%(text)s” è ambiguo: %(names)s.") % {"text": text, "names": names})


class DeskEntryForm(forms.Form):
    # radio buttons, not a <select>: a select's type-ahead swaps one kind for another as the editor types
    kind = forms.ChoiceField(
        label=gettext_lazy("Tipo"), choices=COMPOSER_KINDS, initial=Kind.COMMENTARY, widget=forms.RadioSelect
    )
    minute = forms.IntegerField(label=gettext_lazy("Minuto"), required=False, min_value=0, max_value=130)
    added_minute = forms.IntegerField(label="+", required=False, min_value=0, max_value=30, initial=0)
    team = forms.ChoiceField(label=gettext_lazy("Squadra"), required=False)
    player = forms.CharField(label=gettext_lazy("Giocatore"), required=False, max_length=120)
    player2 = forms.CharField(label=gettext_lazy("Secondo giocatore"), required=False, max_length=120)
    var_outcome = forms.ChoiceField(
        label=gettext_lazy("Esito VAR"), required=False, choices=Entry.VarOutcome.choices
    )
    overturns = forms.TypedChoiceField(
        label=gettext_lazy("Annulla"), required=False, coerce=int, empty_value=None
    )
    text = forms.CharField(
        label=gettext_lazy("Testo"),
        required=False,
        max_length=MAX_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    options = forms.CharField(
        label=gettext_lazy("Risposte (una per riga)"),
        required=False,
        max_length=400,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # a photo with the entry (commentary.domain.pictures checks it, and that it has its words)
    picture = forms.FileField(
        label=gettext_lazy("Foto"),
        required=False,
        widget=forms.FileInput(
            attrs={
                "accept": "image/jpeg,image/png,image/webp",
                "data-max-bytes": settings.DIRETTA_PICTURE_MAX_BYTES,
            }
        ),
    )
    alt = forms.CharField(label=gettext_lazy("Testo alternativo"), required=False, max_length=300)
    caption = forms.CharField(label=gettext_lazy("Didascalia"), required=False, max_length=300)
    credit = forms.CharField(label=gettext_lazy("Crediti"), required=False, max_length=120)

    PICTURE_FIELDS = ("picture", "alt", "caption", "credit")

    def __init__(self, *args, match: Match, pitch: Pitch, players: list[Player], **kwargs):
        super().__init__(*args, **kwargs)
        self.match = match
        self.pitch = pitch
        self.players = players
        self.fields["team"].choices = [
            ("", "—"),
            ("home", match.home_team.short_name),
            ("away", match.away_team.short_name),
        ]
        # the events a VAR decision can overturn, newest first; blank: the latest standing of its kind
        kinds = [kind for kinds in OVERTURNS.values() for kind in kinds]
        self.events = {
            e.pk: e for e in match.entries.filter(kind__in=kinds).select_related("player").order_by("-pk")
        }
        self.fields["overturns"].choices = [("", gettext_lazy("l'ultimo evento di quel tipo"))] + [
            (pk, entry_label(e) + (" ✕" if e.overturned else "")) for pk, e in self.events.items()
        ]

    def candidates(self, field: str, kind: str) -> list[Player]:
        players = self.players
        if not self.pitch.roles:
            return players  # no team sheets: anyone in the two squads
        if field == "player2" and kind == Kind.SUBSTITUTION:
            return [
                p for p in players if self.pitch.roles.get(p.pk) == "bench" and p.pk not in self.pitch.came_on
            ]
        if field == "player" and kind in SHEET_KINDS:
            return [p for p in players if p.pk in self.pitch.roles and p.pk not in self.pitch.sent_off]
        return [p for p in players if p.pk in self.pitch.on]

    def clean(self):
        data = super().clean()
        kind = data.get("kind") or Kind.COMMENTARY
        side = data.get("team")
        team = {"home": self.match.home_team, "away": self.match.away_team}.get(side)
        for field in ("player", "player2"):
            text = data.get(field)
            if not text:
                data[field] = None
                continue
            candidates = self.candidates(field, kind)
            if team is not None and not (field == "player2" and kind == Kind.SAVE):
                candidates = [p for p in candidates if p.team_id == team.pk]
            try:
                data[field] = resolve_player(text, candidates, self.match)
            except forms.ValidationError as error:
                self.add_error(field, error)
        if team is None and data.get("player") is not None:
            team = (
                self.match.home_team
                if data["player"].team_id == self.match.home_team_id
                else self.match.away_team
            )
        data["team"] = team
        data["overturns"] = self.events.get(data.get("overturns"))
        data["added_minute"] = data.get("added_minute") or 0
        return data


class ClockForm(forms.Form):
    kind = forms.ChoiceField(choices=[(k, k) for k in CLOCK_KINDS])
    text = forms.CharField(required=False, max_length=MAX_TEXT_LENGTH)


class StoppageForm(forms.Form):
    stoppage_minutes = forms.IntegerField(label=gettext_lazy("Recupero"), min_value=1, max_value=30)


class DeskTabellinoForm(TabellinoForm):
    """The tabellino paste on the desk: the team sheets, and on request the match it tells."""

    with_events = forms.BooleanField(
        label=gettext_lazy(
            "Registra anche gli eventi: gol, cartellini, cambi e rigori diventano voci della cronaca"
        ),
        required=False,
    )
    add_players = forms.BooleanField(
        label=gettext_lazy("Aggiungi alla rosa i nomi delle formazioni che non vi trova"), required=False
    )
