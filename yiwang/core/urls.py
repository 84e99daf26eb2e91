from django.urls import path

from yiwang.core import views

app_name = "core"
urlpatterns = [
    path("prefs/elder", views.toggle_elder, name="toggle_elder"),
    path("healthz", views.healthz, name="healthz"),
    path("ping", views.ping, name="ping"),
]
