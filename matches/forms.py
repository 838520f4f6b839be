from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .tabellino.parse import Tabellino, TabellinoError, parse_tabellino


class TabellinoForm(forms.Form):
    """The pasted text; valid when it parses (the names are matched to the squads afterwards)."""

    text = forms.CharField(
        label=_("Tabellino"),
        widget=forms.Textarea(attrs={"rows": 14, "cols": 100, "spellcheck": "false"}),
        help_text=_(
            "Incolla il tabellino del resoconto: una riga per squadra, come "
            "«Milan (4-2-3-1): Maignan; Florenzi (57′ Calabria), …; Giroud. Allenatore: Pioli», "
            "poi Marcatori, Arbitro, Ammoniti ed Espulsi. Il resto del testo viene ignorato."
        ),
    )

    tabellino: Tabellino | None = None

    def clean_text(self) -> str:
        text = self.cleaned_data["text"]
        try:
            self.tabellino = parse_tabellino(text)
        except TabellinoError as error:
            raise ValidationError(str(error), code="unparseable") from error
        return text
