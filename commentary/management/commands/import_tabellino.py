import json
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from commentary.domain.services import tabellino_record
from matches.models import Match
from matches.presenters import minute_label
from matches.tabellino.parse import SAVED, SCORED, TabellinoError, parse_tabellino
from matches.tabellino.resolve import NameMatch, ResolvedTabellino, missing_players, tabellino_resolve


class Command(BaseCommand):
    help = (
        "Read a match's line-ups, formations, coaches and referee from a tabellino (Italian press format) "
        "and save them; --with-events also records the goals, cards, substitutions and shoot-out as "
        "entries. --json prints what was read; --dry-run also matches the names to the squads."
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
        parser.add_argument(
            "--with-events",
            action="store_true",
            help="also record the goals, cards, substitutions and shoot-out as entries (a match with no "
            "events yet; a scheduled match is played to its final whistle)",
        )
        parser.add_argument(
            "--add-players",
            action="store_true",
            help="add the team-line names found in no squad as new players of that team",
        )

    def handle(self, *args, match_id, file, dry_run, as_json, with_events, add_players, **options):
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
        missing = missing_players(resolved)
        if dry_run:
            self._summary(resolved)
            if missing and add_players:
                names = ", ".join(f"{name} ({team.short_name})" for team, name in missing)
                self.stdout.write(
                    _("Giocatori che --add-players aggiungerebbe: %(names)s") % {"names": names}
                )
            self.stdout.write(_("Prova: nessuna modifica salvata."))
            return
        try:
            recorded = tabellino_record(
                match=match, tabellino=tabellino, with_events=with_events, add_players=add_players
            )
        except ValidationError as error:
            message = " ".join(error.messages)
            if missing and not add_players:
                message += " " + _(
                    "(con --add-players i nomi non trovati nelle formazioni entrano nella rosa)"
                )
            raise CommandError(message) from error
        for team, name in recorded.added:
            self.stdout.write(_("Aggiunto alla rosa di %(team)s: %(name)s") % {"team": team, "name": name})
        self.stdout.write(
            self.style.SUCCESS(
                _("Formazioni, moduli, allenatori e arbitro di %(match)s salvati.") % {"match": match}
            )
        )
        if with_events:
            match.refresh_from_db()
            count = match.entries.count()
            self.stdout.write(
                self.style.SUCCESS(
                    _("Eventi registrati: %(count)d voci; risultato %(score)s.")
                    % {"count": count, "score": f"{match.home_score}–{match.away_score}"}
                )
            )
            for item in recorded.left_out:
                self.stderr.write(_("Non registrato: %(item)s") % {"item": item})

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
            for entry in side.unused:
                write("      " + _("a disposizione: %(player)s") % {"player": _describe(entry)})
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
        for yellow in resolved.booked:
            minute = _minute(yellow.card.minute, yellow.card.added)
            write(
                _("Ammonito: %(minute)s %(player)s") % {"minute": minute, "player": _describe(yellow.player)}
            )
        for red in resolved.sent_off:
            minute = _minute(red.card.minute, red.card.added)
            write(_("Espulso: %(minute)s %(player)s") % {"minute": minute, "player": _describe(red.player)})
        for kick in resolved.shootout:
            outcome = {SCORED: _("segnato"), SAVED: _("parato")}.get(kick.kick.outcome, _("sbagliato"))
            team = kick.team.short_name if kick.team else "–"
            write(
                _("Rigore: %(team)s %(player)s, %(outcome)s")
                % {"team": team, "player": _describe(kick.player), "outcome": outcome}
            )
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
