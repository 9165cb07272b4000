"""HTML routes of phases, mounted under /t/<trust_slug>/ (namespace "phases")."""

from django.urls import path  # noqa: F401

app_name = "phases"
urlpatterns: list = []
