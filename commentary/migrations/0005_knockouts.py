import django.db.models.deletion
from django.db import migrations, models

from commentary.domain.permissions import migrate_editors_group

OVERTURNING = {
    "goal_overturned": ("goal", "penalty_goal", "own_goal"),
    "red_card_overturned": ("second_yellow", "red_card"),
}


def link_overturns(apps, schema_editor):
    """A VAR entry now names the event it overturned: link each overturned event to the first overturning
    VAR entry of its team published after it; note the matches that went to extra time."""
    Entry = apps.get_model("commentary", "Entry")
    Match = apps.get_model("matches", "Match")
    for event in Entry.objects.filter(overturned=True).order_by("pk"):
        outcomes = [outcome for outcome, kinds in OVERTURNING.items() if event.kind in kinds]
        var = (
            Entry.objects.filter(
                match_id=event.match_id,
                kind="var_check",
                var_outcome__in=outcomes,
                overturns__isnull=True,
                pk__gt=event.pk,
                team_id=event.team_id,
            )
            .order_by("pk")
            .first()
        )
        if var is not None:
            var.overturns_id = event.pk
            var.save(update_fields=["overturns"])
    extra = Entry.objects.filter(kind="extra_time").values("match_id")
    Match.objects.filter(pk__in=extra).update(extra_time=True)


class Migration(migrations.Migration):
    dependencies = [
        ("commentary", "0004_action_permissions"),
        ("matches", "0002_knockouts"),
    ]

    operations = [
        migrations.AddField(
            model_name="entry",
            name="overturns",
            field=models.ForeignKey(
                blank=True,
                help_text="La voce (gol, rigore, espulsione) che questa decisione VAR conferma o annulla.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="commentary.entry",
                verbose_name="decisione su",
            ),
        ),
        migrations.AlterField(
            model_name="entry",
            name="overturned",
            field=models.BooleanField(default=False, editable=False, verbose_name="annullato dal VAR"),
        ),
        migrations.AlterField(
            model_name="update",
            name="action",
            field=models.CharField(
                choices=[
                    ("publish", "Pubblicazione"),
                    ("edit", "Modifica"),
                    ("delete", "Cancellazione"),
                    ("pin", "In evidenza"),
                    ("status", "Stato partita"),
                    ("match", "Dati della partita"),
                ],
                max_length=10,
            ),
        ),
        migrations.RunPython(link_overturns, migrations.RunPython.noop),
        migrations.RunPython(migrate_editors_group, migrations.RunPython.noop),  # Editors may add matches
    ]
