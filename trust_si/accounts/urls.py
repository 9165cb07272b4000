"""Account routes: trust-scoped (dashboard, people, audit) and global (accept an invitation)."""

from django.urls import path

from . import views

tenant_urlpatterns = [
    path("", views.dashboard, name="dashboard"),
]
tenant_api_urlpatterns: list = []
account_urlpatterns: list = []
