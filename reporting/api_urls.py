"""API routes of reporting, mounted under /api/v1/t/<trust_slug>/ (namespace "reporting_api")."""

from django.urls import path

from . import api

app_name = "reporting_api"
urlpatterns = [
    path("reports/", api.ReportListAPI.as_view(), name="report-list"),
    path("reports/<int:pk>/", api.ReportDetailAPI.as_view(), name="report-detail"),
    path("reports/<int:pk>/download/", api.ReportDownloadAPI.as_view(), name="report-download"),
]
