"""HTML routes of cpd, mounted under /t/<trust_slug>/ (namespace "cpd")."""

from django.urls import path  # noqa: F401

app_name = "cpd"
urlpatterns: list = []
