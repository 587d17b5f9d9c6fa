from django.urls import path

from partnerdesk.console import dashboard_views as dash
from partnerdesk.console import views
from partnerdesk.reports import views as report_views

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
    path("<str:customer_id>/exports/<str:export_id>/", report_views.export_status, name="export"),
    path(
        "<str:customer_id>/exports/<str:export_id>/download/",
        report_views.export_download,
        name="export_download",
    ),
    path("<str:customer_id>/dashboards/", dash.dashboards, name="dashboards"),
    path("<str:customer_id>/dashboards/new/", dash.dashboard_new, name="dashboard_new"),
    path("<str:customer_id>/dashboards/<str:ref>/", dash.dashboard, name="dashboard"),
    path(
        "<str:customer_id>/dashboards/<str:ref>/edit/", dash.dashboard_edit, name="dashboard_edit"
    ),
    path(
        "<str:customer_id>/dashboards/<str:ref>/widgets/",
        dash.dashboard_widget_add_view,
        name="dashboard_widget_add",
    ),
    path(
        "<str:customer_id>/dashboards/<str:ref>/widgets/<int:widget_id>/move/",
        dash.dashboard_widget_move_view,
        name="dashboard_widget_move",
    ),
    path(
        "<str:customer_id>/dashboards/<str:ref>/widgets/<int:widget_id>/place/",
        dash.dashboard_widget_place_view,
        name="dashboard_widget_place",
    ),
    path(
        "<str:customer_id>/dashboards/<str:ref>/widgets/<int:widget_id>/remove/",
        dash.dashboard_widget_remove_view,
        name="dashboard_widget_remove",
    ),
    path(
        "<str:customer_id>/dashboards/<str:ref>/delete/",
        dash.dashboard_delete_view,
        name="dashboard_delete",
    ),
    path(
        "<str:customer_id>/dashboards/<str:ref>/copy/",
        dash.dashboard_copy_view,
        name="dashboard_copy",
    ),
    path(
        "<str:customer_id>/dashboards/<str:ref>/export/",
        dash.dashboard_export,
        name="dashboard_export",
    ),
]
