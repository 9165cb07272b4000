"""Who changed what, when, in which trust. Written only by services, never edited."""

from django.conf import settings
from django.db import models

from trust_si.tenancy.models import TenantModel


class AuditEvent(TenantModel):
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # "<entity>.<verb>", the name of the service that wrote it: academy.create, report.download...
    action = models.CharField(max_length=64, db_index=True)
    object_type = models.CharField(max_length=64, blank=True, db_index=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=255, blank=True)
    # {"field": [old, new]} for updates; {"field": new} for creations; free detail otherwise.
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["trust", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.action} {self.object_repr} by {self.actor_id}"
