"""Models of assessment (tenant-owned models subclass trust_si.tenancy.models.TenantModel)."""
