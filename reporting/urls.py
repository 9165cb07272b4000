"""HTML routes of reporting, mounted under /t/<trust_slug>/ (namespace "reporting")."""

from django.urls import path

from . import views

app_name = "reporting"
urlpatterns = [
    path("reports/", views.report_list, name="list"),
    path("reports/generate/", views.report_generate, name="generate"),
    path("reports/settings/", views.report_settings, name="settings"),
    path("reports/<int:pk>/", views.report_detail, name="detail"),
    path("reports/<int:pk>/preview/", views.report_preview, name="preview"),
    path("reports/<int:pk>/download/", views.report_download, name="download"),
    path("reports/<int:pk>/figures.csv", views.report_csv, name="csv"),
    path("reports/batches/<int:pk>/", views.batch_detail, name="batch"),
]
