"""ScheduleRun on the shared BackgroundRun (bridgehead.core.runs): ``started_by`` is ``requested_by``, the
solver's live figures move to ``solver_progress`` and ``progress`` is the fraction done (0..1)."""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def fraction_out_of_solver_progress(apps, schema_editor):
    ScheduleRun = apps.get_model("partnering", "ScheduleRun")
    for run in ScheduleRun.objects.exclude(solver_progress={}):
        details = dict(run.solver_progress)
        run.progress = min(1.0, max(0.0, float(details.pop("fraction", 0.0) or 0.0)))
        run.solver_progress = details
        run.save(update_fields=["progress", "solver_progress"])


def fraction_back(apps, schema_editor):
    ScheduleRun = apps.get_model("partnering", "ScheduleRun")
    for run in ScheduleRun.objects.all():
        run.solver_progress = {**run.solver_progress, "fraction": run.progress}
        run.save(update_fields=["solver_progress"])


class Migration(migrations.Migration):
    dependencies = [
        ("partnering", "0005_participant_preferred_hours"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField(model_name="schedulerun", old_name="started_by", new_name="requested_by"),
        migrations.AlterField(
            model_name="schedulerun",
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
        migrations.RenameField(model_name="schedulerun", old_name="progress", new_name="solver_progress"),
        migrations.AlterField(
            model_name="schedulerun",
            name="solver_progress",
            field=models.JSONField(blank=True, default=dict, verbose_name="solver progress"),
        ),
        migrations.AddField(
            model_name="schedulerun",
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
            model_name="schedulerun",
            name="progress_message",
            field=models.CharField(blank=True, max_length=200, verbose_name="stage"),
        ),
        migrations.RunPython(fraction_out_of_solver_progress, fraction_back),
    ]
