"""Confirming queues a save run by a worker; restore re-commits the previous upload's file.

`replaced` (the JSON copy of the slice an upload replaced) goes. An upload the old in-request
commit left "saving" for ever goes back to "ready to confirm", with the reason.
"""

from django.db import migrations, models


def release_stuck_saves(apps, schema_editor):
    Upload = apps.get_model("assessment", "Upload")
    Upload._base_manager.filter(status="committing").update(
        status="valid",
        progress=100,
        message="The save was interrupted; nothing was changed. Confirm again.",
    )


class Migration(migrations.Migration):

    dependencies = [
        ('assessment', '0001_initial'),
    ]

    operations = [
        migrations.RunPython(release_stuck_saves, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='upload',
            name='replaced',
        ),
        migrations.AddField(
            model_name='upload',
            name='claimed_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name='upload',
            name='status',
            field=models.CharField(choices=[('received', 'Received'), ('validating', 'Checking'), ('invalid', 'Has problems'), ('valid', 'Ready to confirm'), ('commit_queued', 'Waiting to be saved'), ('committing', 'Saving…'), ('committed', 'Confirmed'), ('unchanged', 'Identical to the current data'), ('superseded', 'Replaced by a newer upload'), ('failed', 'Could not be read')], default='received', max_length=16),
        ),
    ]
