"""API routes of partnerships, mounted under /api/v1/t/<trust_slug>/ (namespace "partnerships_api")."""

from django.urls import path

from . import api

app_name = "partnerships_api"
urlpatterns: list = [
    path("partners/", api.PartnerViewSet.as_view({"get": "list"}), name="partner-list"),
    path(
        "partners/<int:pk>/", api.PartnerViewSet.as_view({"get": "retrieve"}), name="partner-detail"
    ),
    path("commissions/", api.CommissionViewSet.as_view({"get": "list"}), name="commission-list"),
    path(
        "commissions/<int:pk>/",
        api.CommissionViewSet.as_view({"get": "retrieve"}),
        name="commission-detail",
    ),
    path("activities/", api.ActivityListCreate.as_view(), name="activity-list"),
]
