"""API routes of cpd, mounted under /api/v1/t/<trust_slug>/ (namespace "cpd_api")."""

from django.urls import path

from . import api

app_name = "cpd_api"
urlpatterns: list = [
    path("cpd/programmes/", api.ProgrammeViewSet.as_view({"get": "list"}), name="programme-list"),
    path(
        "cpd/programmes/<int:pk>/",
        api.ProgrammeViewSet.as_view({"get": "retrieve"}),
        name="programme-detail",
    ),
    path("cpd/sessions/", api.SessionViewSet.as_view({"get": "list"}), name="session-list"),
    path("cpd/enrolments/", api.EnrolmentListCreate.as_view(), name="enrolment-list"),
    path("cpd/npqs/", api.NpqViewSet.as_view({"get": "list"}), name="npq-list"),
]
