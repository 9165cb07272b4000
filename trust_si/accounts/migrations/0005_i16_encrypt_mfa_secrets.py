"""Encrypt the second-factor secrets already stored in clear (issue 16)."""

from django.db import migrations


def encrypt_existing(apps, schema_editor):
    # The adapter's own functions: the same key and format the running app reads.
    from trust_si.accounts.adapter import secret_encrypt

    Authenticator = apps.get_model("mfa", "Authenticator")
    for authenticator in Authenticator.objects.all().iterator():
        data = dict(authenticator.data or {})
        for key in ("secret", "seed"):
            if isinstance(data.get(key), str):
                data[key] = secret_encrypt(data[key])
        if isinstance(data.get("migrated_codes"), list):
            data["migrated_codes"] = [secret_encrypt(c) for c in data["migrated_codes"]]
        if data != authenticator.data:
            authenticator.data = data
            authenticator.save(update_fields=["data"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_i16_api_tokens"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(encrypt_existing, migrations.RunPython.noop)]
