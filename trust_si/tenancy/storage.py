"""Stored-file paths and cache keys always carry the trust."""

from __future__ import annotations

import secrets
from typing import Any

from django.utils.deconstruct import deconstructible

from .context import current_trust_id


def tenant_path(*parts: str, trust_id: int | None = None) -> str:
    """A storage path under the trust's own folder, with a random part so it cannot be guessed."""
    tid = trust_id if trust_id is not None else current_trust_id()
    safe = [p.replace("/", "_").replace("\\", "_").lstrip(".") for p in parts]
    *folders, filename = safe
    return "/".join(["trusts", str(tid), *folders, f"{secrets.token_hex(8)}-{filename}"])


@deconstructible
class TenantUploadTo:
    """`upload_to=` for a tenant-owned FileField: trusts/<id>/<folder>/<random>-<name>."""

    def __init__(self, folder: str) -> None:
        self.folder = folder

    def __call__(self, instance: Any, filename: str) -> str:
        return tenant_path(self.folder, filename, trust_id=instance.trust_id)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TenantUploadTo) and other.folder == self.folder

    def __hash__(self) -> int:
        return hash(self.folder)


def tenant_cache_key(*parts: object, trust_id: int | None = None) -> str:
    tid = trust_id if trust_id is not None else current_trust_id()
    return ":".join(["trust", str(tid), *(str(p) for p in parts)])
