from django.contrib.auth.management import create_permissions
from django.db import migrations

from commentary.permissions import EDITOR_PERMISSIONS, EDITORS, ensure_editors_group


def create_editors_group(apps, schema_editor):
    # On a fresh database the permissions are only created after all migrations (post_migrate): make them
    # now. The migration state's app configs are stubs that need models_module set to be accepted.
    for app_label in EDITOR_PERMISSIONS:
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    ensure_editors_group(group_model=apps.get_model("auth", "Group"),
                         permission_model=apps.get_model("auth", "Permission"))


def remove_editors_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=EDITORS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("commentary", "0001_initial"),
        ("matches", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editors_group, remove_editors_group)]
