"""HTML routes of kpis, mounted under /t/<trust_slug>/ (namespace "kpis")."""

app_name = "kpis"
urlpatterns: list = []
