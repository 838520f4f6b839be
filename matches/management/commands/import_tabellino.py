import json
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from matches.models import Match
from matches.presenters import minute_label
from matches.services import tabellino_apply
from matches.tabellino.parse import TabellinoError, parse_tabellino
from matches.tabellino.resolve import NameMatch, ResolvedTabellino, tabellino_resolve


class Command(BaseCommand):
    help = (
        "Read a match's line-ups, formations, coaches and referee from a tabellino (Italian press format) "
        "and save them. --json prints what was read; --dry-run also matches the names to the squads."
    )

    def add_arguments(self, parser):
        parser.add_argument("match_id", type=int, help="id of the match")
        parser.add_argument("file", help="text file holding the tabellino, or - for standard input")
        parser.add_argument(
            "--dry-run", action="store_true", help="read and match the names, print a summary, save nothing"
        )
        parser.add_argument(
            "--json",
            action="store_true",
            dest="as_json",
            help="print what was read as JSON, save nothing (names unchecked)",
        )

    def handle(self, *args, match_id, file, dry_run, as_json, **options):
        tabellino = self._parse(file)
        for warning in tabellino.warnings:
            self.stderr.write(_("Attenzione: %(warning)s") % {"warning": warning})
        if as_json:
            self.stdout.write(json.dumps(tabellino.as_dict(), ensure_ascii=False, indent=2))
            return
        try:
            match = Match.objects.select_related("home_team", "away_team").get(pk=match_id)
        except Match.DoesNotExist:
            raise CommandError(_("Nessuna partita con id %(id)s") % {"id": match_id}) from None
        resolved = tabellino_resolve(match=match, tabellino=tabellino)
        if dry_run:
            self._summary(resolved)
            self.stdout.write(_("Prova: nessuna modifica salvata."))
            return
        if resolved.problems:
            raise CommandError(
                _("Formazioni non salvate, nomi da sistemare:\n%(problems)s")
                % {"problems": "\n".join(f"  {problem}" for problem in resolved.problems)}
            )
        try:
            tabellino_apply(match=match, resolved=resolved)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(
            self.style.SUCCESS(
                _("Formazioni, moduli, allenatori e arbitro di %(match)s salvati.") % {"match": match}
            )
        )

    def _parse(self, file: str):
        try:
            if file == "-":
                text = sys.stdin.read()
            else:
                with open(file, encoding="utf-8-sig") as handle:
                    text = handle.read()
        except (OSError, UnicodeDecodeError) as error:
            message = _("Impossibile leggere %(file)s: %(error)s") % {"file": file, "error": error}
            raise CommandError(message) from error
        try:
            return parse_tabellino(text)
        except TabellinoError as error:
            raise CommandError(str(error)) from error

    def _summary(self, resolved: ResolvedTabellino) -> None:
        write = self.stdout.write
        for side in resolved.teams:
            sheet = side.sheet
            write(
                _("%(team)s («%(name)s») %(formation)s, allenatore: %(coach)s")
                % {
                    "team": side.team.name,
                    "name": sheet.name,
                    "formation": sheet.formation or "–",
                    "coach": sheet.coach or "–",
                }
            )
            for number, entry in enumerate(side.starters, 1):
                write(f"  {number:2}. {_describe(entry)}")
            for sub in side.substitutions:
                write(
                    "      "
                    + _("%(minute)s esce %(off)s, entra %(on)s")
                    % {
                        "minute": _minute(sub.minute, sub.added),
                        "off": sub.off.written,
                        "on": _describe(sub.on),
                    }
                )
        write(_("Arbitro: %(referee)s") % {"referee": resolved.tabellino.referee or "–"})
        for scorer in resolved.scorers:
            goal = scorer.goal
            notes = [_("rigore")] * goal.penalty + [_("autogol")] * goal.own_goal
            note = f" ({', '.join(notes)})" if notes else ""
            minute = _minute(goal.minute, goal.added)
            write(
                _("Gol: %(minute)s %(player)s") % {"minute": minute, "player": _describe(scorer.player)}
                + note
            )
        for entry in resolved.booked:
            write(_("Ammonito: %(player)s") % {"player": _describe(entry)})
        for red in resolved.sent_off:
            minute = _minute(red.sending_off.minute, red.sending_off.added)
            write(_("Espulso: %(minute)s %(player)s") % {"minute": minute, "player": _describe(red.player)})
        if resolved.problems:
            write(self.style.ERROR(_("Nomi da sistemare prima di salvare:")))
            for problem in resolved.problems:
                write(self.style.ERROR(f"  {problem}"))
        else:
            write(self.style.SUCCESS(_("Tutti i nomi corrispondono a un giocatore della rosa.")))


def _describe(entry: NameMatch) -> str:
    if entry.player is None:
        return f"{entry.written} ✗ {entry.reason}"
    number = f" ({entry.player.shirt_number})" if entry.player.shirt_number else ""
    return f"{entry.written} → {entry.player.name}{number}"


def _minute(minute: int | None, added: int) -> str:
    return minute_label(minute, added) or "–"
