"""API routes of partnerships, mounted under /api/v1/t/<trust_slug>/ (namespace "partnerships_api")."""

from django.urls import path  # noqa: F401

app_name = "partnerships_api"
urlpatterns: list = []
