from django.contrib import admin
from django.urls import include, path

from config.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("accounts/", include("yiwang.accounts.urls")),
    path("calendar/", include("yiwang.workdays.urls")),
    path("cases/", include("yiwang.cases.urls")),
    path("messages/", include("yiwang.notifications.urls")),
    path("", include("yiwang.licences.urls")),
    path("", include("yiwang.core.urls")),
    path("", include("yiwang.orgs.urls")),
    path("", include("yiwang.catalog.urls")),
]
