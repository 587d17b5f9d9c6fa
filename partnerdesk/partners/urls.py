from django.urls import path

from partnerdesk.partners import views

app_name = "partner_settings"
urlpatterns = [
    path("logo/", views.logo_settings, name="logo"),
    path("logo/remove/", views.logo_remove, name="logo_remove"),
    path("logo/image/", views.logo_image, name="logo_image"),
]
