"""API routes of phases, mounted under /api/v1/t/<trust_slug>/ (namespace "phases_api")."""

from django.urls import path  # noqa: F401

app_name = "phases_api"
urlpatterns: list = []
