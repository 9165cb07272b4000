"""Every trust's pages live under /t/<trust_slug>/ and its API under /api/v1/t/<trust_slug>/.

TenantMiddleware takes `trust_slug` out of the view kwargs, answers 404 to non-members and runs
the view in the trust's scope. Each app owns `urls.py` (HTML) and `api_urls.py` (API).
"""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from trust_si import health, views
from trust_si.accounts import urls as account_urls

APPS = [
    "academies",
    "assessment",
    "assessment.kpis",
    "phases",
    "visits",
    "cpd",
    "partnerships",
    "reporting",
]

tenant_patterns: list = [
    *account_urls.tenant_urlpatterns,
    *[path("", include(f"{app}.urls")) for app in APPS],
]
tenant_api_patterns: list = [
    path("", include((account_urls.tenant_api_urlpatterns, "accounts_api"))),
    *[path("", include(f"{app}.api_urls")) for app in APPS],
]

urlpatterns = [
    path("", views.home, name="home"),
    path("switch-trust/", views.switch_trust, name="switch_trust"),
    path("healthz", health.healthz, name="healthz"),
    path("accounts/", include(account_urls.account_urlpatterns)),
    path("accounts/", include("allauth.urls")),
    path("t/<slug:trust_slug>/", include(tenant_patterns)),
    path("api/v1/t/<slug:trust_slug>/", include(tenant_api_patterns)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("operator/admin/", admin.site.urls),
]
