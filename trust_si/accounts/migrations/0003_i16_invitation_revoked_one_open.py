from django.db import migrations, models
from django.utils import timezone


def close_duplicates_and_prove_addresses(apps, schema_editor):
    """Before the one-open-invitation rule: keep the newest open invitation per address and
    trust. Every existing account's own address was proven by the invitation that made it:
    record it as verified, so mandatory verification does not lock existing users out."""
    Invitation = apps.get_model("accounts", "Invitation")
    seen = set()
    now = timezone.now()
    for inv in Invitation._base_manager.filter(accepted_at__isnull=True).order_by("-created_at"):
        key = (inv.trust_id, inv.email.lower())
        if key in seen:
            Invitation._base_manager.filter(pk=inv.pk).update(revoked_at=now)
        seen.add(key)
    User = apps.get_model("accounts", "User")
    EmailAddress = apps.get_model("account", "EmailAddress")
    for user in User._base_manager.all():
        if not EmailAddress.objects.filter(user=user, email__iexact=user.email).exists():
            EmailAddress.objects.create(
                user=user,
                email=user.email,
                verified=True,
                primary=not EmailAddress.objects.filter(user=user, primary=True).exists(),
            )


class Migration(migrations.Migration):
    dependencies = [
        ("academies", "0001_initial"),
        ("accounts", "0002_lookup_managers"),
        ("tenancy", "0001_initial"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    operations = [
        migrations.AddField(
            model_name="invitation",
            name="revoked_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(close_duplicates_and_prove_addresses, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="invitation",
            constraint=models.UniqueConstraint(
                condition=models.Q(("accepted_at__isnull", True), ("revoked_at__isnull", True)),
                fields=("trust", "email"),
                name="one_open_invitation_per_address",
            ),
        ),
    ]
