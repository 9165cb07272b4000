"""HTML routes of kpis, mounted under /t/<trust_slug>/ (namespace "kpis")."""

from django.urls import path

from . import views

app_name = "kpis"
urlpatterns = [
    path("kpis/", views.kpi_table, name="trust_table"),
    path("kpis/export.csv", views.kpi_table_csv, name="trust_table_csv"),
    path("published-results/", views.published_results, name="published_results"),
]
