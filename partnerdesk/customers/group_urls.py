from django.urls import path

from partnerdesk.customers import group_views

app_name = "groups"
urlpatterns = [
    path("", group_views.group_list, name="list"),
    path("<int:group_id>/", group_views.group_edit, name="edit"),
    path("<int:group_id>/members/", group_views.group_member_add, name="member_add"),
    path("<int:group_id>/delete/", group_views.group_delete, name="delete"),
]
