from django.urls import path

from yiwang.appointments.pages import assistance, calling, citizen, halls, kiosk

app_name = "appointments"
urlpatterns = [
    # Citizens and enterprises
    path("appointments/", citizen.my_bookings, name="my_bookings"),
    path("appointments/book/", citizen.book, name="book"),
    path("appointments/bookings/<int:booking_id>/", citizen.booking_detail, name="booking"),
    path("appointments/bookings/<int:booking_id>/change/", citizen.booking_change, name="booking_change"),
    path("appointments/bookings/<int:booking_id>/cancel/", citizen.booking_cancel, name="booking_cancel"),
    path("appointments/assistance/", citizen.assistance_list, name="assistance"),
    path("appointments/assistance/new/", citizen.assistance_new, name="assistance_new"),
    path("appointments/assistance/<int:request_id>/", citizen.assistance_detail, name="assistance_detail"),
    # Window clerks
    path("appointments/staff/calling/", calling.calling, name="calling"),
    path("appointments/staff/calling/act/", calling.calling_act, name="calling_act"),
    path("appointments/staff/calling/check-in/", calling.calling_check_in, name="calling_check_in"),
    path("appointments/staff/calling/ticket/", calling.calling_ticket, name="calling_ticket"),
    # Hall managers
    path("appointments/staff/halls/", halls.halls, name="halls"),
    path("appointments/staff/halls/<slug:code>/", halls.hall, name="hall"),
    path("appointments/staff/halls/<slug:code>/groups/", halls.group_create, name="hall_group_create"),
    path("appointments/staff/halls/<slug:code>/windows/", halls.window_create, name="hall_window_create"),
    path("appointments/staff/halls/<slug:code>/schedules/", halls.schedule_create, name="hall_schedule_create"),
    path("appointments/staff/halls/<slug:code>/schedules/<int:schedule_id>/deactivate/", halls.schedule_deactivate,
         name="hall_schedule_deactivate"),
    path("appointments/staff/halls/<slug:code>/slots/<int:slot_id>/", halls.slot_update, name="hall_slot_update"),
    # Service assistants
    path("appointments/staff/assistance/", assistance.work_list, name="assistance_work"),
    path("appointments/staff/assistance/new/", assistance.register, name="assistance_register"),
    path("appointments/staff/assistance/<int:request_id>/", assistance.case, name="assistance_case"),
    path("appointments/staff/projects/", assistance.projects, name="projects"),
    path("appointments/staff/projects/new/", assistance.project_new, name="project_new"),
    path("appointments/staff/projects/<int:project_id>/", assistance.project, name="project"),
    # Kiosks and the display board (public: no login until a person must be identified)
    path("kiosk/<slug:hall>/", kiosk.home, name="kiosk"),
    path("kiosk/<slug:hall>/ticket/", kiosk.take_ticket, name="kiosk_ticket"),
    path("kiosk/<slug:hall>/ticket/<int:ticket_id>/", kiosk.ticket_done, name="kiosk_ticket_done"),
    path("kiosk/<slug:hall>/check-in/", kiosk.check_in, name="kiosk_check_in"),
    path("kiosk/<slug:hall>/identify/", kiosk.identify, name="kiosk_identify"),
    path("kiosk/<slug:hall>/print/", kiosk.print_list, name="kiosk_print"),
    path("kiosk/<slug:hall>/print/file/", kiosk.print_file, name="kiosk_print_file"),
    path("kiosk/<slug:hall>/end/", kiosk.end, name="kiosk_end"),
    path("kiosk/<slug:hall>/board/", kiosk.board, name="kiosk_board"),
    path("kiosk/<slug:hall>/board/rows/", kiosk.board_rows, name="kiosk_board_rows"),
]
