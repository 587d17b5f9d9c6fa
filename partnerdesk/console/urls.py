from django.urls import path

from partnerdesk.console import views

app_name = "console"
urlpatterns = [
    path("", views.console_chooser, name="chooser"),
    path("<str:customer_id>/", views.console_home, name="home"),
    path("<str:customer_id>/settings/", views.console_settings, name="settings"),
    path(
        "<str:customer_id>/settings/partner-assistance/",
        views.console_partner_assistance,
        name="partner_assistance",
    ),
    path(
        "<str:customer_id>/approvals/<str:request_id>/",
        views.console_approval_answer,
        name="approval_answer",
    ),
    path(
        "<str:customer_id>/early-access/<int:program_id>/",
        views.console_early_access,
        name="early_access",
    ),
    path("<str:customer_id>/logo/", views.console_logo, name="logo"),
    path("<str:customer_id>/settings/logo/", views.console_logo_upload, name="logo_upload"),
    path("<str:customer_id>/settings/logo/remove/", views.console_logo_remove, name="logo_remove"),
    path(
        "<str:customer_id>/settings/api-credentials/",
        views.console_credentials,
        name="credentials",
    ),
    path(
        "<str:customer_id>/settings/api-credentials/<int:credential_id>/revoke/",
        views.console_credential_revoke,
        name="credential_revoke",
    ),
    path("<str:customer_id>/audit/", views.console_audit, name="audit"),
    path("<str:customer_id>/end-session/", views.console_end_session, name="end_session"),
]
