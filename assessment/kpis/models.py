"""Published results: DfE performance-table figures per academy, kept apart from school data."""

from __future__ import annotations

from django.db import models

from academies.models import Academy
from trust_si.tenancy.models import TenantModel


class PublishedResult(TenantModel):
    academy = models.ForeignKey(Academy, on_delete=models.CASCADE, related_name="published_results")
    year = models.CharField(max_length=7)  # "2018-19"
    field = models.CharField(max_length=40)  # DfE's own field name: P8MEA, READPROG, PTRWM_EXP...
    value = models.FloatField(null=True, blank=True)
    # DfE's code when no number was published (SUPP, NE, NP, LOWCOV, NA...): never a number.
    code = models.CharField(max_length=12, blank=True)
    lower = models.FloatField(null=True, blank=True)
    upper = models.FloatField(null=True, blank=True)
    # DfE's banding as published: P8_BANDING 1-5 or SUPP; READPROG_DESCR text for KS2.
    banding = models.CharField(max_length=60, blank=True)
    source = models.CharField(max_length=200)
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["academy__name", "-year", "field"]
        constraints = [models.UniqueConstraint(fields=["trust", "academy", "year", "field"],
                                               name="published_result_unique")]

    def __str__(self) -> str:
        return f"{self.academy} {self.year} {self.field}"
