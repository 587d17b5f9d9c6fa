from django.urls import path

from partnerdesk.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("credentials/", views.credential_list, name="credentials"),
    path(
        "credentials/<int:credential_id>/customers/",
        views.credential_customers,
        name="credential_customers",
    ),
    path(
        "credentials/<int:credential_id>/revoke/",
        views.credential_revoke,
        name="credential_revoke",
    ),
]
