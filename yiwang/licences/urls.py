from django.urls import path

from yiwang.licences.pages import holder, public, staff

app_name = "licences"
# Mounted at the site root (config/urls.py): /verify/<identifier> is the address every QR code
# carries, so it stays short and stable; everything else lives under /licences/.
urlpatterns = [
    path("verify/", public.verify_form, name="verify_form"),
    path("verify/<str:identifier>", public.verify, name="verify"),
    # Public (no login): the published issuer keys.
    path("licences/keys/", public.keys, name="keys"),
    # The holder (我的证照 / 我的档案).
    path("licences/wallet/", holder.wallet, name="wallet"),
    path("licences/wallet/<int:licence_id>/", holder.wallet_licence, name="wallet_licence"),
    path("licences/wallet/<int:licence_id>/show/", holder.wallet_show, name="wallet_show"),
    path("licences/wallet/<int:licence_id>/file.pdf", holder.wallet_pdf, name="wallet_pdf"),
    path("licences/profile/", holder.my_profile, name="my_profile"),
    # Staff.
    path("licences/staff/", staff.staff_licences, name="staff_licences"),
    path("licences/staff/<int:licence_id>/", staff.staff_licence, name="staff_licence"),
    path("licences/staff/import/", staff.staff_import, name="staff_import"),
    path("licences/staff/import/template/<str:type_code>.csv", staff.staff_import_template, name="staff_import_template"),
    path("licences/staff/waivers/", staff.staff_waivers, name="staff_waivers"),
    path("licences/staff/profiles/", staff.staff_profiles, name="staff_profiles"),
    path("licences/staff/profiles/export.csv", staff.staff_profiles_export, name="staff_profiles_export"),
    path("licences/staff/profiles/<int:profile_id>/", staff.staff_profile, name="staff_profile"),
]

