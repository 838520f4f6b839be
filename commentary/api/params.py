"""The API's parameters: their bounds are declared once, here, for the checks and for the document.

An id in a path is what the `<id:…>` converter lets through (1 to 18 digits, matches/converters.py; a longer
one is a 404); an integer in a query is written in plain digits and fits the database's integer columns.
A bad query value is a 400 whose message names the parameter (`commentary.api.errors`).
"""

import re
from typing import Annotated, Any, Literal

from django.utils.translation import gettext as _
from ninja import Field, Query
from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

from matches.models import Match

MAX_ID = 10**18 - 1
MAX_INTEGER = 2**31 - 1  # what the database's integer columns hold: larger numbers are refused, not compared
DEFAULT_LIMIT = 50
MAX_LIMIT = 200

STATUS_FILTERS: dict[str, tuple[str, ...]] = {
    "live": tuple(Match.LIVE_STATUSES),
    **{status: (status,) for status in Match.Status.values},
}


def _refused(message: str) -> PydanticCustomError:
    # The message goes in as a value, not as the template: a `{` in what the client sent stays as it is.
    return PydanticCustomError("parameter", "{message}", {"message": message})


def _param_name(info) -> str:
    return info.field_name or "?"


def query_integer(minimum: int, description: str, *, default=None, capped_at: int | None = None) -> Any:
    """An integer query parameter written in plain digits (no sign, space, `1e3` or `٣`), minimum..2³¹−1.

    With `capped_at`, a larger value (up to 2³¹−1) is read as the cap, and the document says the cap."""

    def digits(value, info):
        if isinstance(value, str) and re.fullmatch(r"[0-9]{1,10}", value):
            number = int(value)
            if minimum <= number <= MAX_INTEGER:
                return min(number, capped_at) if capped_at else number
        message = _("Il parametro “%(name)s” deve essere un numero intero da %(minimum)d in su.")
        raise _refused(message % {"name": _param_name(info), "minimum": minimum})

    return Annotated[
        int,
        BeforeValidator(digits),
        Query(default, ge=minimum, le=capped_at or MAX_INTEGER, description=description),
    ]


def _status(value, info):
    if value in STATUS_FILTERS:
        return value
    message = _("Stato sconosciuto “%(status)s”: usa uno di %(choices)s.")
    raise _refused(message % {"status": value, "choices": ", ".join(STATUS_FILTERS)})


StatusFilter = Annotated[
    Literal[tuple(STATUS_FILTERS)],  # type: ignore[valid-type]
    BeforeValidator(_status),
    Query(None, description="`live` (any period from kick-off to penalties) or one status."),
]
MatchId = Annotated[int, Field(ge=1, le=MAX_ID, description="A match's id.")]
CompetitionId = Annotated[int, Field(ge=1, le=MAX_ID, description="A competition's id.")]
