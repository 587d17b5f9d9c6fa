from django.urls import path

from partnerdesk.licensing import views

app_name = "licensing"
urlpatterns = [
    path("apply/<str:customer_id>/", views.apply_key, name="apply"),
]
