"""Models of reporting (tenant-owned models subclass trust_si.tenancy.models.TenantModel)."""
