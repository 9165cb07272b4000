"""HTML routes of visits, mounted under /t/<trust_slug>/ (namespace "visits")."""

app_name = "visits"
urlpatterns: list = []
