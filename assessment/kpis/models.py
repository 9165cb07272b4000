"""Models of kpis (tenant-owned models subclass trust_si.tenancy.models.TenantModel)."""
