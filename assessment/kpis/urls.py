"""HTML routes of kpis, mounted under /t/<trust_slug>/ (namespace "kpis")."""

from django.urls import path

from . import views

app_name = "kpis"
urlpatterns = [
    path("published-results/", views.published_results, name="published_results"),
]
