from django.urls import path

from yiwang.accounts.pages import password, phone_change, profile, recovery, registration, signin

app_name = "accounts"
urlpatterns = [
    path("login/", signin.login_view, name="login"),
    path("logout/", signin.logout_view, name="logout"),
    path("register/", registration.register_choice, name="register"),
    path("register/citizen/", registration.register_citizen, name="register_citizen"),
    path("register/enterprise/", registration.register_enterprise, name="register_enterprise"),
    path("profile/", profile.profile, name="profile"),
    path("password/forgot/", recovery.password_reset_request, name="password_reset_request"),
    path("password/reset/", recovery.password_reset, name="password_reset"),
    path("profile/phone/", recovery.phone_confirm, name="phone_confirm"),
    path("profile/phone/resend/", recovery.phone_confirm_resend, name="phone_confirm_resend"),
    path("profile/password/", password.password_change, name="password_change"),
    path("profile/phone/change/", phone_change.phone_change, name="phone_change"),
    path("profile/phone/change/confirm/", phone_change.phone_change_confirm, name="phone_change_confirm"),
]
