"""Every trust's pages live under /t/<trust_slug>/ and its API under /api/v1/t/<trust_slug>/.

TenantMiddleware takes `trust_slug` out of the view kwargs, answers 404 to non-members and runs
the view in the trust's scope. Each app owns `urls.py` (HTML) and `api_urls.py` (API); they are
imported here by name, so a renamed or missing module fails at start-up.
"""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from academies import api_urls as academies_api
from academies import urls as academies_urls
from assessment import api_urls as assessment_api
from assessment import urls as assessment_urls
from assessment.frameworks import api_urls as frameworks_api
from assessment.frameworks import urls as frameworks_urls
from assessment.kpis import api_urls as kpis_api
from assessment.kpis import urls as kpis_urls
from cpd import api_urls as cpd_api
from cpd import urls as cpd_urls
from moderation import api_urls as moderation_api
from moderation import urls as moderation_urls
from partnerships import api_urls as partnerships_api
from partnerships import urls as partnerships_urls
from phases import api_urls as phases_api
from phases import urls as phases_urls
from planning import api_urls as planning_api
from planning import urls as planning_urls
from reporting import api_urls as reporting_api
from reporting import urls as reporting_urls
from trust_si.people import urls as account_urls
from visits import api_urls as visits_api
from visits import urls as visits_urls

from . import health, views

APP_URLS = [
    academies_urls,
    assessment_urls,
    kpis_urls,
    frameworks_urls,
    phases_urls,
    visits_urls,
    moderation_urls,
    cpd_urls,
    partnerships_urls,
    planning_urls,
    reporting_urls,
]
APP_API_URLS = [
    academies_api,
    assessment_api,
    kpis_api,
    frameworks_api,
    phases_api,
    visits_api,
    moderation_api,
    cpd_api,
    partnerships_api,
    planning_api,
    reporting_api,
]

tenant_patterns: list = [
    path("", views.dashboard, name="dashboard"),
    *account_urls.tenant_urlpatterns,
    *[path("", include(module)) for module in APP_URLS],
]
tenant_api_patterns: list = [
    path("", include((account_urls.tenant_api_urlpatterns, "accounts_api"))),
    *[path("", include(module)) for module in APP_API_URLS],
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
