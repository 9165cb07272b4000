"""HTML routes of moderation, mounted under /t/<trust_slug>/ (namespace "moderation")."""

from django.urls import path

from . import views

app_name = "moderation"
urlpatterns = [
    path("moderation/", views.round_list, name="rounds"),
    path("moderation/new/", views.round_create, name="round_create"),
    path("moderation/<int:pk>/", views.round_detail, name="round"),
    path("moderation/<int:pk>/compare/", views.compare, name="compare"),
    path("moderation/<int:pk>/visits/", views.round_visit_link, name="visit_link"),
    path(
        "moderation/<int:pk>/moderators/<int:moderator_pk>/days/",
        views.moderator_days,
        name="moderator_days",
    ),
    path("moderation/<int:pk>/pieces/<int:number>/", views.review, name="review"),
    path("moderation/<int:pk>/pieces/<int:number>/agree/", views.item_agree, name="item_agree"),
    path(
        "moderation/<int:pk>/pieces/<int:number>/files/<int:piece_pk>/",
        views.piece_file,
        name="piece_file",
    ),
]
