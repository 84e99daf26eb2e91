from django.urls import path

from yiwang.servicemap.pages import planning, public, staff_hours, staff_items, staff_outlets

app_name = "servicemap"
urlpatterns = [
    path("map/", public.map_page, name="map"),
    path("map/outlets/<int:outlet_id>/", public.outlet_page, name="outlet"),
    path("map/staff/", staff_outlets.outlet_list, name="staff_outlets"),
    path("map/staff/new/", staff_outlets.outlet_new, name="staff_outlet_new"),
    path("map/staff/coverage/", planning.coverage, name="staff_coverage"),
    path("map/staff/<int:outlet_id>/", staff_outlets.outlet_edit, name="staff_outlet_edit"),
    path("map/staff/<int:outlet_id>/hours/", staff_hours.hours, name="staff_outlet_hours"),
    path("map/staff/<int:outlet_id>/exceptions/add/", staff_hours.exception_add, name="staff_outlet_exception_add"),
    path("map/staff/<int:outlet_id>/exceptions/remove/", staff_hours.exception_remove,
         name="staff_outlet_exception_remove"),
    path("map/staff/<int:outlet_id>/items/", staff_items.items, name="staff_outlet_items"),
    path("map/staff/<int:outlet_id>/items/add/", staff_items.item_add, name="staff_outlet_item_add"),
    path("map/staff/<int:outlet_id>/items/remove/", staff_items.item_remove, name="staff_outlet_item_remove"),
    path("map/staff/<int:outlet_id>/windows/", staff_items.windows, name="staff_outlet_windows"),
]
