from django.urls import path

from yiwang.orgs.pages import workbench

app_name = "orgs"
urlpatterns = [
    path("workbench/", workbench.workbench, name="workbench"),
]
