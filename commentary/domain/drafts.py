"""An entry's fields on their way in.

Every caller that writes an entry (the desk, the admin, the replay, the demo loader, the tests) builds one
EntryDraft and hands it to commentary.domain.services, which validates it against the match and writes it.
"""

from collections.abc import Mapping
from dataclasses import dataclass, fields

from commentary.models import Entry
from matches.models import Player, Team


@dataclass(frozen=True, kw_only=True)
class EntryDraft:
    kind: str = Entry.Kind.COMMENTARY
    text: str = ""
    minute: int | None = None  # None: the match clock's minute when it is published
    added_minute: int = 0
    period: str | None = None  # None: the period the match is in
    team: Team | None = None
    player: Player | None = None
    player2: Player | None = None
    var_outcome: str = ""
    stoppage_minutes: int | None = None
    overturns: Entry | None = None  # a VAR decision's event; None for an overturn: the latest standing

    @classmethod
    def from_data(cls, data: Mapping) -> "EntryDraft":
        """From a form's cleaned_data: the fields it holds, a blank as the field's default."""
        values = {f.name: data[f.name] for f in fields(cls) if f.name in data}
        for name, blank in (("text", ""), ("var_outcome", ""), ("added_minute", 0)):
            values[name] = values.get(name) or blank
        return cls(**values)

    @classmethod
    def of(cls, entry: Entry) -> "EntryDraft":
        """The fields of an entry as it stands (to publish it again, or to check an edit)."""
        return cls(**{f.name: getattr(entry, f.name) for f in fields(cls)})
