"""API routes of kpis, mounted under /api/v1/t/<trust_slug>/ (namespace "kpis_api")."""

app_name = "kpis_api"
urlpatterns: list = []
