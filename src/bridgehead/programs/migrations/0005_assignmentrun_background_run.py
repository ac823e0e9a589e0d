"""AssignmentRun on the shared BackgroundRun (bridgehead.core.runs): status ``done`` is ``succeeded``,
``started_by`` is ``requested_by``, ``stage`` is ``progress_message``; heartbeat, progress, cancel and error
fields; one queued or running run per call (older duplicates are closed as failed first)."""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

CLOSED = "Closed when runs became one per call: a newer run for the call was queued."


def to_background_run(apps, schema_editor):
    AssignmentRun = apps.get_model("programs", "AssignmentRun")
    AssignmentRun.objects.filter(status="done").update(status="succeeded")
    newest_active: dict[int, int] = {}
    for pk, call_id in (
        AssignmentRun.objects.filter(status__in=["queued", "running"]).order_by("-created_at", "-pk").values_list(
            "pk", "call_id"
        )
    ):
        if call_id in newest_active:
            AssignmentRun.objects.filter(pk=pk).update(status="failed", error=CLOSED)
        else:
            newest_active[call_id] = pk


def back(apps, schema_editor):
    AssignmentRun = apps.get_model("programs", "AssignmentRun")
    AssignmentRun.objects.filter(status="succeeded").update(status="done")
    AssignmentRun.objects.filter(status="cancelled").update(status="failed")


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0004_decision_outbox"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField(model_name="assignmentrun", old_name="started_by", new_name="requested_by"),
        migrations.AlterField(
            model_name="assignmentrun",
            name="requested_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="requested by",
            ),
        ),
        migrations.RenameField(model_name="assignmentrun", old_name="stage", new_name="progress_message"),
        migrations.AlterField(
            model_name="assignmentrun",
            name="progress_message",
            field=models.CharField(blank=True, max_length=200, verbose_name="stage"),
        ),
        migrations.AddField(
            model_name="assignmentrun",
            name="started_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="started"),
        ),
        migrations.AddField(
            model_name="assignmentrun",
            name="heartbeat_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="last sign of life"),
        ),
        migrations.AddField(
            model_name="assignmentrun",
            name="progress",
            field=models.FloatField(
                default=0.0,
                validators=[
                    django.core.validators.MinValueValidator(0.0),
                    django.core.validators.MaxValueValidator(1.0),
                ],
                verbose_name="progress",
            ),
        ),
        migrations.AddField(
            model_name="assignmentrun",
            name="cancel_requested",
            field=models.BooleanField(default=False, verbose_name="cancel requested"),
        ),
        migrations.AddField(
            model_name="assignmentrun",
            name="error",
            field=models.TextField(blank=True, verbose_name="error"),
        ),
        migrations.AlterField(
            model_name="assignmentrun",
            name="status",
            field=models.CharField(
                choices=[
                    ("queued", "Queued"),
                    ("running", "Running"),
                    ("succeeded", "Finished"),
                    ("failed", "Failed"),
                    ("cancelled", "Cancelled"),
                ],
                default="queued",
                max_length=20,
                verbose_name="status",
            ),
        ),
        migrations.RunPython(to_background_run, back),
        migrations.AddConstraint(
            model_name="assignmentrun",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status__in", ("queued", "running"))),
                fields=("call",),
                name="one_active_assignment_run_per_call",
            ),
        ),
    ]
