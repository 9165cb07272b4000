"""Account routes: trust-scoped (people, audit) and global (accept an invitation)."""

from django.urls import path

from . import api, views

tenant_urlpatterns = [
    path("people/", views.people, name="people"),
    path("people/invite/", views.invite, name="invite"),
    path("people/api-token/", views.api_token, name="api_token"),
    path("people/api-token/<int:pk>/revoke/", views.api_token_revoke, name="api_token_revoke"),
    path("people/<int:pk>/", views.member_edit, name="member_edit"),
    path("people/<int:pk>/active/", views.member_set_active, name="member_set_active"),
    path("people/invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("audit/", views.audit_log, name="audit_log"),
]
tenant_api_urlpatterns = [
    path("audit-events/", api.AuditEventListAPI.as_view(), name="audit-event-list"),
    path("members/", api.MemberListAPI.as_view(), name="member-list"),
]
account_urlpatterns = [
    path("invitation/<str:token>/", views.invitation_accept, name="invitation_accept"),
]
