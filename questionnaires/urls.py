from django.urls import path

from questionnaires import views

app_name = "questionnaires"

urlpatterns = [
    path("<slug:slug>/instruments/", views.instrument_list_page, name="instruments"),
    path("<slug:slug>/instruments/<slug:key>/v<int:number>/", views.version_page, name="version"),
    path(
        "<slug:slug>/instruments/<slug:key>/v<int:number>/yaml/",
        views.version_yaml,
        name="version_yaml",
    ),
    path("<slug:slug>/distributions/<int:pk>/", views.distribution_page, name="distribution"),
    path("<slug:slug>/distributions/<int:pk>/enter/", views.entry_page, name="entry"),
    path(
        "<slug:slug>/distributions/<int:pk>/responses/<str:response_id>/",
        views.response_page,
        name="response",
    ),
]
