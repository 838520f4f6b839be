from django.core.management.base import BaseCommand, CommandError

from commentary.demo.loader import demo_load
from commentary.demo.replay import play, replay_run, replay_start, round_start
from matches.models import Match


class Command(BaseCommand):
    help = "Play a finished match again as a new live match, in match time divided by --speed."

    def add_arguments(self, parser):
        parser.add_argument("match", help="id of the match to replay, or 'demo' for the demo match")
        parser.add_argument("--speed", type=float, default=1.0, help="how many times faster than real time")
        parser.add_argument(
            "--replace", action="store_true", help="first delete earlier replays of the same match(es)"
        )
        parser.add_argument(
            "--round",
            action="store_true",
            help="play its whole matchday with it (the others: real scores, simulated minutes)",
        )

    def handle(self, *args, match, speed, replace, round, **options):
        if speed <= 0:
            raise CommandError("--speed must be positive")
        if match == "demo":
            source = demo_load()
        else:
            try:
                source = Match.objects.get(pk=int(match))
            except (ValueError, Match.DoesNotExist):
                raise CommandError(f"no match with id {match!r}") from None
        if source.status != Match.Status.FINISHED:
            raise CommandError(f"{source} is not finished: only a finished match can be replayed")
        if replace:
            sources = Match.objects.round_of(source) if round else Match.objects.filter(pk=source.pk)
            Match.objects.filter(replay_of__in=sources).delete()
        if round:
            return self._round(source, speed)
        live, entries = replay_start(source=source, speed=speed)
        self.stdout.write(
            self.style.SUCCESS(f"Replaying {source} as match {live.pk} at {speed:g}×: /matches/{live.pk}/")
        )
        try:
            replay_run(
                match=live,
                entries=entries,
                speed=speed,
                on_entry=lambda e: self.stdout.write(f"  {e.minute_label or '  '} {e.get_kind_display()}"),
            )
        except KeyboardInterrupt:
            self.stdout.write("replay stopped")
            return
        self.stdout.write(self.style.SUCCESS(f"Replay of {source} finished."))

    def _round(self, source, speed):
        matches, steps = round_start(source=source, speed=speed)
        self.stdout.write(
            self.style.SUCCESS(
                f"Replaying matchday {source.matchday} of {source.competition} ({len(matches)} matches) at "
                f"{speed:g}×: /competitions/{source.competition_id}/matchdays/{source.matchday}/replay/"
            )
        )
        try:
            play(steps, on_entry=lambda e: self.stdout.write(f"  {e.match_id} {e.minute_label} {e.kind}"))
        except KeyboardInterrupt:
            self.stdout.write("replay stopped")
            return
        self.stdout.write(self.style.SUCCESS("Replay of the round finished."))
