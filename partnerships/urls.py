"""HTML routes of partnerships, mounted under /t/<trust_slug>/ (namespace "partnerships")."""

from django.urls import path

from . import views

app_name = "partnerships"
urlpatterns: list = [
    path("partnerships/", views.dashboard, name="dashboard"),
    path("partnerships/partners/", views.partner_list, name="partner_list"),
    path("partnerships/partners/new/", views.partner_create, name="partner_create"),
    path("partnerships/partners/<int:pk>/", views.partner_detail, name="partner_detail"),
    path("partnerships/partners/<int:pk>/edit/", views.partner_edit, name="partner_edit"),
    path("partnerships/commissions/", views.commission_list, name="commission_list"),
    path("partnerships/commissions/new/", views.commission_create, name="commission_create"),
    path("partnerships/commissions/<int:pk>/", views.commission_detail, name="commission_detail"),
    path("partnerships/commissions/<int:pk>/edit/", views.commission_edit, name="commission_edit"),
    path("partnerships/commissions/<int:pk>/log/", views.activity_log, name="activity_log"),
    path("partnerships/activities/<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("partnerships/activities/<int:pk>/delete/", views.activity_delete, name="activity_delete"),
    path("partnerships/utilisation/", views.utilisation, name="utilisation"),
]
