"""HTML routes of kpis, mounted under /t/<trust_slug>/ (namespace "kpis")."""

from django.urls import path

from . import views

app_name = "kpis"
urlpatterns = [
    path("kpis/", views.kpi_table, name="trust_table"),
    path("kpis/export.csv", views.kpi_table_csv, name="trust_table_csv"),
    path("kpis/export.xlsx", views.kpi_table_xlsx, name="trust_table_xlsx"),
    path("kpis/targets/", views.targets, name="targets"),
    path("kpis/targets/<int:pk>/delete/", views.target_delete, name="target_delete"),
    path("kpis/<str:urn>/", views.academy_kpis, name="academy"),
    path("kpis/<str:urn>/export.xlsx", views.academy_kpis_xlsx, name="academy_xlsx"),
    path("kpis/<str:urn>/transitions/", views.transitions, name="transitions"),
    path("published-results/", views.published_results, name="published_results"),
]
