"""Models of partnerships (tenant-owned models subclass trust_si.tenancy.models.TenantModel)."""
