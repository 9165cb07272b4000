"""HTML routes of planning, mounted under /t/<trust_slug>/ (namespace "planning")."""

from django.urls import path

from . import views

app_name = "planning"
urlpatterns: list = [
    path("planning/", views.overview, name="overview"),
    path("planning/academies/<str:urn>/", views.academy_plan, name="academy"),
    path("planning/academies/<str:urn>/sef/", views.sef_edit, name="sef_edit"),
    path("planning/academies/<str:urn>/priorities/new/", views.priority_add, name="priority_add"),
    path("planning/priorities/<int:pk>/review/", views.review_add, name="review_add"),
    path("planning/priorities/<int:pk>/actions/new/", views.action_add, name="action_add"),
    path("planning/actions/<int:pk>/edit/", views.action_edit, name="action_edit"),
    path("planning/actions/<int:pk>/complete/", views.action_complete, name="action_complete"),
    path("planning/risks/", views.risks, name="risks"),
    path("planning/risks/<int:pk>/decide/", views.risk_decide, name="risk_decide"),
    path("planning/trust-assessment/", views.trust_assessment, name="trust_assessment"),
]
