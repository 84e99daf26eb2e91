from django.urls import path

from yiwang.hotline.pages import citizen, console, supervision, ticket, unit, visits

app_name = "hotline"
urlpatterns = [
    # Citizens and the public
    path("submit/", citizen.submit, name="submit"),
    path("mine/", citizen.mine, name="mine"),
    path("mine/<str:number>/", citizen.mine_detail, name="mine_detail"),
    path("mine/<str:number>/<str:action>/", citizen.mine_act, name="mine_act"),
    path("follow/", citizen.follow, name="follow"),
    # Staff (work/…): agents, units, supervisors
    path("work/console/", console.console, name="console"),
    path("work/queue/", console.queue, name="queue"),
    path("work/tickets/<int:pk>/", ticket.ticket_page, name="ticket"),
    path("work/tickets/<int:pk>/<str:action>/", ticket.act, name="ticket_act"),
    path("work/measures/<int:pk>/", ticket.measure_act, name="measure_act"),
    path("work/worklist/", unit.worklist, name="worklist"),
    path("work/supervision/", supervision.supervision, name="supervision"),
    path("work/indicators/", supervision.indicator_page, name="indicators"),
    path("work/hotspots/", supervision.hotspot_page, name="hotspots"),
    path("work/visits/", visits.visits, name="visits"),
    path("work/visits/report/", visits.report, name="visit_report"),
    path("work/visits/report.pdf", visits.report_pdf, name="visit_report_pdf"),
    path("work/visits/<int:pk>/", visits.target, name="visit_target"),
    path("work/visits/<int:pk>/check-in/", visits.check_in, name="visit_check_in"),
    path("work/appeals/<int:pk>/rate/", visits.rate_appeal, name="appeal_rate"),
]
