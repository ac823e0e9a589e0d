"""Remove secrets that audit entries recorded before they were excluded (Issue 13, finding 14): the calendar
token of every participant created so far, and any password hash."""

from django.db import migrations

from bridgehead.core.audit import scrub_secret_fields

# Frozen here: later exclusions need their own migration, and this one must not change under them.
SECRETS = {("core", "user"): ["password"], ("partnering", "participant"): ["calendar_token"]}


def scrub(apps, schema_editor) -> None:
    scrub_secret_fields(apps.get_model("auditlog", "LogEntry"), apps.get_model("contenttypes", "ContentType"), SECRETS)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0006_user_erased_at"),
        ("auditlog", "0017_add_actor_email"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(scrub, migrations.RunPython.noop)]
