"""API routes of cpd, mounted under /api/v1/t/<trust_slug>/ (namespace "cpd_api")."""

from django.urls import path  # noqa: F401

app_name = "cpd_api"
urlpatterns: list = []
