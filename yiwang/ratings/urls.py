from django.urls import path

from yiwang.ratings.pages import citizen, links, public, supervisor, unit, window

app_name = "ratings"
urlpatterns = [
    # Public: the indicators, and rating through a signed link (SMS, QR, hall tablet).
    path("", public.public, name="public"),
    path("r/<str:token>/", links.rate_by_token, name="rate_by_token"),
    path("tablet/", links.tablet, name="tablet"),
    path("tablet/<str:token>/", links.tablet_rate, name="tablet_rate"),
    # The applicant.
    path("mine/", citizen.my_ratings, name="mine"),
    path("mine/<int:rating_id>/", citizen.rating_detail, name="rating_detail"),
    path("cases/<int:case_id>/", citizen.rate_case, name="rate_case"),
    path("cases/<int:case_id>/tablet/", citizen.tablet_code, name="tablet_code"),
    # The window.
    path("window/cases/<int:case_id>/slip/", window.slip, name="slip"),
    # The rated unit.
    path("work/", unit.worklist, name="worklist"),
    path("work/<int:rectification_id>/", unit.rectification_page, name="rectification"),
    # Supervision.
    path("supervision/", supervisor.supervision, name="supervision"),
    path("supervision/appeals/<int:appeal_id>/", supervisor.appeal_page, name="appeal"),
    path("indicators/", supervisor.indicators_page, name="indicators"),
]
