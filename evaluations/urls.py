from django.urls import path

from evaluations import views

app_name = "evaluations"

urlpatterns = [
    path("", views.evaluation_list_page, name="list"),
    path("new/", views.evaluation_create_page, name="create"),
    path("<slug:slug>/", views.evaluation_detail_page, name="detail"),
    path("<slug:slug>/edit/", views.evaluation_edit_page, name="edit"),
    path("<slug:slug>/delete/", views.evaluation_delete_page, name="delete"),
    path("<slug:slug>/members/", views.member_list_page, name="members"),
    path("<slug:slug>/members/<int:pk>/", views.member_change_page, name="member_change"),
    path("<slug:slug>/members/<int:pk>/remove/", views.member_remove_page, name="member_remove"),
    path(
        "<slug:slug>/members/<int:pk>/invite/", views.member_reinvite_page, name="member_reinvite"
    ),
]
