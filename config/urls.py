from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core import views as core_views
from core.api_inbox import InboxView
from core.security import ObtainTokenView
from employees import sso
from employees import views as employees_views

PAGE_APPS = [
    ("people/", "employees.urls"),
    ("pulse/", "pulse_surveys.urls"),
    ("leave/", "leave.urls"),
    ("rewards/", "rewards.urls"),
    ("service-quality/", "service_quality.urls"),
    ("improvement/", "improvement.urls"),
    ("reports/", "correlation.urls"),
    ("insights/", "insights.urls"),
    ("feedback/", "feedback.urls"),
    ("s/", "service_quality.public_urls"),  # the public SKM form: short links for posters
]
API_APPS = [
    "employees.api_urls",
    "pulse_surveys.api_urls",
    "leave.api_urls",
    "rewards.api_urls",
    "service_quality.api_urls",
    "improvement.api_urls",
    "correlation.api_urls",
    "feedback.api_urls",
]

api_v1 = [
    path("auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("inbox/", InboxView.as_view(), name="api-inbox"),
    *[path("", include(module)) for module in API_APPS],
]

urlpatterns = [
    path("", core_views.home, name="home"),
    path("inbox/", core_views.inbox, name="inbox"),
    path("healthz", core_views.healthz, name="healthz"),
    path("metrics", core_views.metrics, name="metrics"),
    path("accounts/login/", sso.SignInView.as_view(), name="login"),
    path("accounts/logout/", sso.SignOutView.as_view(), name="logout"),
    path("accounts/", include(sso.urlpatterns)),
    # Django's language switch, which also keeps a signed-in person's choice.
    path("i18n/setlang/", employees_views.language_switch, name="set_language"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("scim/v2/", include("employees.scim_urls")),
    *[path(prefix, include(module)) for prefix, module in PAGE_APPS],
]

handler404 = "core.views.not_found"
handler500 = "core.views.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
