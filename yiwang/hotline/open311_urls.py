from django.urls import path, re_path, register_converter

from yiwang.hotline import open311

register_converter(open311.FormatConverter, "fmt")

app_name = "open311"
urlpatterns = [
    path("discovery.<fmt:fmt>", open311.discovery, name="discovery"),
    path("services.<fmt:fmt>", open311.service_list, name="services"),
    path("services/<str:service_code>.<fmt:fmt>", open311.service_definition, name="service"),
    path("requests.<fmt:fmt>", open311.requests_view, name="requests"),
    path("requests/<str:service_request_id>.<fmt:fmt>", open311.request_detail, name="request"),
    path("tokens/<str:token>.<fmt:fmt>", open311.token_detail, name="token"),
    re_path(r"^(?P<rest>.*)$", open311.not_found, name="not_found"),
]
