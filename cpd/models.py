"""Models of cpd (tenant-owned models subclass trust_si.tenancy.models.TenantModel)."""
