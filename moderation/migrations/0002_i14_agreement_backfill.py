"""Publish the agreement of blind rounds closed before frameworks 0002 created its read model
(issue 14): without it their schools' heat-map "assessment accuracy" cell says "Not moderated
yet". Idempotent: rounds that already have rows are left alone."""

from django.db import migrations


def backfill(apps, schema_editor):
    # The historical models only ask whether there is anything to do, so a fresh database
    # (every test run) never touches the live models; the publishing itself is the running
    # app's service, the same step a round's close takes.
    Round = apps.get_model("moderation", "Round")
    Agreement = apps.get_model("frameworks", "ModerationAgreement")
    from trust_si.tenancy.context import dangerously_unscoped

    with dangerously_unscoped():
        closed = set(
            Round._base_manager.filter(method="blind", status="closed").values_list(
                "trust_id", "pk"
            )
        )
        if not closed - set(Agreement._base_manager.values_list("trust_id", "round_ref")):
            return
        from moderation.services import round_agreement_backfill

        round_agreement_backfill()


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0001_i14_rounds_reviews_comparisons"),
        ("frameworks", "0002_i14_moderation_agreement"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
