from django.contrib.auth.management import create_permissions
from django.db import migrations

from commentary.permissions import EDITOR_PERMISSIONS, ensure_editors_group


def give_editors_the_new_permissions(apps, schema_editor):
    for app_label in EDITOR_PERMISSIONS:
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    ensure_editors_group(group_model=apps.get_model("auth", "Group"),
                         permission_model=apps.get_model("auth", "Permission"))


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
        migrations.RunPython(give_editors_the_new_permissions, migrations.RunPython.noop),
    ]
