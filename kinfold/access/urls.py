from django.urls import path

from . import views

app_name = "access"

urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="sign-in"),
    path("sign-in/security-code/", views.otp_verify, name="otp-verify"),
    path("sign-in/set-up-authenticator/", views.otp_setup, name="otp-setup"),
    path("sign-in/set-up-authenticator/qr.svg", views.otp_qr, name="otp-qr"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("people/<int:pk>/break-glass/", views.break_glass, name="break-glass"),
    path("people/<int:pk>/restriction/", views.restriction, name="restriction"),
    path("break-glass/", views.break_glass_reviews, name="break-glass-reviews"),
    path(
        "break-glass/<int:pk>/reviewed/",
        views.break_glass_acknowledge,
        name="break-glass-acknowledge",
    ),
    path("audit/", views.audit_log, name="audit"),
    path("audit/people/<int:pk>/", views.person_audit, name="person-audit"),
]
