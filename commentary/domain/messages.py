"""Readers write in: a message or a question for the desk. Never published by itself: editors read them in
a queue on the desk and may quote one as an entry. Bounded per address in time, plain text only (shown
escaped, and quoted through the same sanitiser as every entry), and a honeypot field a person never fills."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from commentary.domain.drafts import EntryDraft
from commentary.domain.ratings import VoteRefused, digest
from commentary.models import Entry, ReaderMessage
from matches.models import Match
from matches.text import strip_control

PER_TEN_MINUTES = 3
MAX_TEXT = 500


def message_send(*, match: Match, name: str, text: str, honeypot: str, address: str) -> ReaderMessage:
    if honeypot:  # a field hidden from people: only a robot fills it
        raise VoteRefused(_("Messaggio rifiutato."), 400)
    if match.status in (Match.Status.FINISHED, Match.Status.ABANDONED):
        raise VoteRefused(_("La diretta è finita: i messaggi si mandano durante la partita."), 400)
    name, text = strip_control(name or "").strip()[:60], strip_control(text or "").strip()
    if not text:
        raise VoteRefused(_("Scrivi il messaggio."), 400)
    if len(text) > MAX_TEXT:
        raise VoteRefused(_("Il messaggio supera i %(max)d caratteri.") % {"max": MAX_TEXT}, 400)
    since = timezone.now() - timedelta(minutes=10)
    if (
        ReaderMessage.objects.filter(address=digest(address), created_at__gte=since).count()
        >= PER_TEN_MINUTES
    ):
        raise VoteRefused(_("Hai già scritto più volte: riprova tra qualche minuto."), 429)
    return ReaderMessage.objects.create(match=match, name=name, text=text, address=digest(address))


def message_quote(*, message: ReaderMessage, editor) -> Entry:
    """Publish a reader's message as an entry, in quotes and with the reader's name."""
    from commentary.domain import services

    with transaction.atomic():
        if message.status != ReaderMessage.Status.NEW:
            raise ValidationError(_("Questo messaggio è già stato gestito."))
        who = message.name or _("un lettore")
        entry = services.entry_publish(
            match=message.match, draft=EntryDraft(text=f"«{message.text}» — {who}"), author=editor
        )
        ReaderMessage.objects.filter(pk=message.pk).update(status=ReaderMessage.Status.QUOTED)
    return entry


def message_dismiss(*, message: ReaderMessage) -> None:
    ReaderMessage.objects.filter(pk=message.pk).update(status=ReaderMessage.Status.DISMISSED)
