from django.urls import path

from yiwang.guidance.pages import public, staff

app_name = "guidance"

urlpatterns = [
    path("search/", public.search, name="search"),
    path("answer/", public.answer, name="answer"),
    path("staff/", staff.home, name="staff_home"),
    path("staff/knowledge/", staff.knowledge, name="staff_knowledge"),
    path("staff/knowledge/<str:key>/", staff.knowledge_history, name="staff_knowledge_history"),
]
