from django.contrib import admin
from django.urls import include, path

from config.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("accounts/", include("yiwang.accounts.urls")),
    path("calendar/", include("yiwang.workdays.urls")),
    path("cases/", include("yiwang.cases.urls")),
    path("bundles/", include("yiwang.bundles.urls")),
    path("messages/", include("yiwang.notifications.urls")),
    path("ratings/", include("yiwang.ratings.urls")),
    path("guidance/", include("yiwang.guidance.urls")),
    path("policies/", include("yiwang.policies.urls")),
    path("hotline/", include("yiwang.hotline.urls")),
    path("open311/v2/", include("yiwang.hotline.open311_urls")),
    path("", include("yiwang.servicemap.urls")),
    path("", include("yiwang.appointments.urls")),  # /appointments/… and /kiosk/<hall>/…
    path("", include("yiwang.licences.urls")),
    path("", include("yiwang.core.urls")),
    path("", include("yiwang.orgs.urls")),
    path("", include("yiwang.catalog.urls")),
]
