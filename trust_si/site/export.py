"""Export of one trust's data (UK GDPR: a controller's copy of everything held for it).

A zip with one CSV per tenant-owned table (every model built on TenantModel, the trust's rows
only, read inside its scope) and the trust's stored files (uploads, reports, logo) under
`files/`. Secrets are left out: invitation tokens (`SECRET_FIELDS`); the trust's pseudonym
secret is not in a tenant table.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings

from trust_si.exports import formula_safe
from trust_si.tenancy.context import trust_scope
from trust_si.tenancy.models import TenantModel, Trust

SECRET_FIELDS = {"token"}


def trust_export_write(*, trust: Trust, out: Path) -> dict[str, int]:
    """Write the trust's export to `out` (a .zip); returns rows per table and files."""
    counts: dict[str, int] = {}
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive, trust_scope(trust):
        for model in apps.get_models():
            if not issubclass(model, TenantModel):
                continue
            fields = [f.attname for f in model._meta.concrete_fields if f.name not in SECRET_FIELDS]
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            writer.writerow(fields)
            rows: Any = model.objects.filter(trust=trust).order_by("pk").values_list(*fields)
            n = 0
            for row in rows.iterator(chunk_size=2000):
                writer.writerow([formula_safe(v) if isinstance(v, str) else v for v in row])
                n += 1
            counts[model._meta.db_table] = n
            archive.writestr(f"{model._meta.db_table}.csv", buffer.getvalue())
        folder = Path(settings.MEDIA_ROOT) / "trusts" / str(trust.pk)
        files = [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []
        for path in files:
            archive.write(path, f"files/{path.relative_to(folder)}")
        counts["files"] = len(files)
    return counts
