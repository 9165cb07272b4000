"""API routes of kpis, mounted under /api/v1/t/<trust_slug>/ (namespace "kpis_api")."""

from django.urls import path

from . import api

app_name = "kpis_api"
urlpatterns = [
    path("published-results/", api.PublishedResultListAPI.as_view(), name="published-result-list"),
]
