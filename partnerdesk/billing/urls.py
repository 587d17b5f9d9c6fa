from django.urls import path

from partnerdesk.billing import order_views, views

app_name = "billing"
urlpatterns = [
    path("trial/new/", views.create_trial, name="create_trial"),
    path("monthly/new/", views.monthly_account, name="monthly_account"),
    path("orders/new/", order_views.managed_order, name="managed_order"),
    path("update/<str:customer_id>/", views.update_billing, name="update"),
]
