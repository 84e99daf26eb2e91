from django.urls import path

from yiwang.core import public_files, views

app_name = "core"
urlpatterns = [
    path("media/catalog/<path:path>", public_files.public_media, name="public_media"),
    path("prefs/elder", views.toggle_elder, name="toggle_elder"),
    path("healthz", views.healthz, name="healthz"),
    path("ping", views.ping, name="ping"),
]
