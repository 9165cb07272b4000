"""API routes of visits, mounted under /api/v1/t/<trust_slug>/ (namespace "visits_api")."""

app_name = "visits_api"
urlpatterns: list = []
