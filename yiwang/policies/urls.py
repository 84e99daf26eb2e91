from django.urls import path

from yiwang.policies.pages import citizen, public, staff

app_name = "policies"
urlpatterns = [
    path("", public.policy_list, name="list"),
    path("mine/", citizen.mine, name="mine"),
    path("entitlements/<int:entitlement_id>/decide/", citizen.entitlement_decide, name="entitlement_decide"),
    path("staff/", staff.staff_list, name="staff_list"),
    path("staff/new/", staff.staff_edit, name="staff_new"),
    path("staff/<int:policy_id>/", staff.staff_edit, name="staff_edit"),
    path("staff/<int:policy_id>/test/", staff.staff_harness, name="staff_harness"),
    path("staff/<int:policy_id>/<slug:action>/", staff.staff_act, name="staff_act"),
    path("<slug:code>/", public.policy_detail, name="detail"),
    path("<slug:code>/apply/", citizen.apply, name="apply"),
]
