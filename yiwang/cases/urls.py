from django.urls import path

from yiwang.core.placeholder import placeholder

app_name = "cases"
urlpatterns = [path("mine/", placeholder("我的办件"), name="my_cases")]
