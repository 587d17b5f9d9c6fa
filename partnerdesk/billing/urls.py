from django.urls import path

from partnerdesk.billing import views

app_name = "billing"
urlpatterns = [
    path("trial/new/", views.create_trial, name="create_trial"),
    path("monthly/new/", views.monthly_account, name="monthly_account"),
    path("update/<str:customer_id>/", views.update_billing, name="update"),
]
