from django.db import migrations

from commentary.domain.permissions import migrate_editors_group


class Migration(migrations.Migration):
    dependencies = [
        ("commentary", "0003_update_translations"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="entry",
            options={
                "ordering": ["match", "pk"],
                "permissions": [
                    ("pin_entry", "Può mettere in evidenza una voce"),
                    ("overturn_entry", "Può annullare un gol (VAR)"),
                    ("run_clock", "Può muovere il cronometro (inizio, intervallo, recupero, fine)"),
                ],
                "verbose_name": "voce di cronaca",
                "verbose_name_plural": "voci di cronaca",
            },
        ),
        migrations.RunPython(migrate_editors_group, migrations.RunPython.noop),
    ]
