from django.urls import path

from yiwang.core import public_files
from yiwang.core.pages import health, preferences

app_name = "core"
urlpatterns = [
    path("media/catalog/<path:path>", public_files.public_media, name="public_media"),
    path("prefs/elder", preferences.toggle_elder, name="toggle_elder"),
    path("healthz", health.healthz, name="healthz"),
    path("ping", health.ping, name="ping"),
]
