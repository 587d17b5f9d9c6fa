from django.urls import path

from partnerdesk.customers import assist_views, unlink_views, views

app_name = "customers"
urlpatterns = [
    path("", views.customer_list, name="list"),
    path("export.csv", views.customer_export, name="export"),
    path("unlink/", unlink_views.unlink, name="unlink"),
    path("<str:customer_id>/", views.customer_detail, name="detail"),
    path("<str:customer_id>/contact/", views.customer_contact, name="contact"),
    path("<str:customer_id>/groups/", views.customer_group_add, name="group_add"),
    path("<str:customer_id>/launch/", assist_views.customer_launch, name="launch"),
    path(
        "<str:customer_id>/request-approval/",
        assist_views.approval_request,
        name="request_approval",
    ),
    path("<str:customer_id>/rename/", assist_views.customer_rename_view, name="rename"),
    path("<str:customer_id>/unlink/cancel/", unlink_views.unlink_cancel, name="unlink_cancel"),
    path(
        "<str:customer_id>/groups/<int:group_id>/remove/",
        views.customer_group_remove,
        name="group_remove",
    ),
]
