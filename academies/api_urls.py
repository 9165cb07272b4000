"""API routes of academies, mounted under /api/v1/t/<trust_slug>/ (namespace "academies_api")."""

from django.urls import path  # noqa: F401

app_name = "academies_api"
urlpatterns: list = []
