"""Models of visits (tenant-owned models subclass trust_si.tenancy.models.TenantModel)."""
