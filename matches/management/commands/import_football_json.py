import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from matches.football_json import FootballJsonError, competition_from_name
from matches.services import football_json_import, squad_files_import
from matches.squads import SQUADS_DIR


class Command(BaseCommand):
    help = (
        "Import a competition's fixtures and results from openfootball's football.json format "
        "(e.g. matches/data/openfootball/it.1.json). Running it again changes nothing; matches already in "
        "the database (the demo match, matches followed live) are completed, never duplicated, and their "
        "score is never overwritten. --squads also imports the openfootball squad files."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="a football.json file")
        parser.add_argument(
            "--competition", help='competition name (default: from the file\'s "name", e.g. "Serie A")'
        )
        parser.add_argument("--season", help='season, e.g. 2023/24 (default: from the file\'s "name")')
        parser.add_argument(
            "--squads",
            nargs="?",
            const=SQUADS_DIR,
            type=Path,
            metavar="DIR",
            help="also import the squads from DIR/*.txt (default: matches/data/openfootball/squads)",
        )

    def handle(self, *args, file, competition, season, squads, **options):
        try:
            with open(file, encoding="utf-8-sig") as handle:
                data = json.load(handle)
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CommandError(
                _("Impossibile leggere %(file)s: %(error)s") % {"file": file, "error": error}
            ) from error
        name = str(data.get("name", "")) if isinstance(data, dict) else ""
        named, named_season = competition_from_name(name)
        competition = competition or named
        season = season or named_season
        if not competition or not season:
            raise CommandError(_("Il file non dice competizione e stagione: usa --competition e --season."))
        try:
            report = football_json_import(data=data, competition_name=competition, season=season)
        except FootballJsonError as error:
            raise CommandError(str(error)) from error
        for warning in report.warnings:
            self.stderr.write(_("Attenzione: %(warning)s") % {"warning": warning})
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "%(competition)s: partite create %(created)s, aggiornate %(updated)s, invariate "
                    "%(unchanged)s; squadre create %(teams_created)s, già presenti %(teams_found)s."
                )
                % {
                    "competition": report.competition,
                    "created": report.created,
                    "updated": report.updated,
                    "unchanged": report.unchanged,
                    "teams_created": len(report.teams_created),
                    "teams_found": len(report.teams_found),
                }
            )
        )
        if squads is not None:
            self._squads(squads)

    def _squads(self, directory: Path) -> None:
        paths = sorted(directory.glob("*.txt"))
        if not paths:
            raise CommandError(_("Nessun file .txt in %(dir)s") % {"dir": directory})
        report = squad_files_import(paths=paths)
        for warning in report.warnings:
            self.stderr.write(_("Attenzione: %(warning)s") % {"warning": warning})
        players = sum(count for _team, count in report.imported)
        self.stdout.write(
            self.style.SUCCESS(
                _("Rose: %(teams)s squadre, %(players)s giocatori.")
                % {"teams": len(report.imported), "players": players}
            )
        )
