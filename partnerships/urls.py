"""HTML routes of partnerships, mounted under /t/<trust_slug>/ (namespace "partnerships")."""

from django.urls import path

from . import views

app_name = "partnerships"
urlpatterns: list = [
    path("partnerships/", views.dashboard, name="dashboard"),
    path("partnerships/partners/", views.partner_list, name="partner_list"),
    path("partnerships/partners/<int:pk>/", views.partner_detail, name="partner_detail"),
    path("partnerships/commissions/", views.commission_list, name="commission_list"),
    path("partnerships/commissions/<int:pk>/", views.commission_detail, name="commission_detail"),
    path("partnerships/commissions/<int:pk>/log/", views.activity_log, name="activity_log"),
    path("partnerships/utilisation/", views.utilisation, name="utilisation"),
]
