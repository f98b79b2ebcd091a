from django.urls import path

from questionnaires import builder_views, views

app_name = "questionnaires"

urlpatterns = [
    path("<slug:slug>/instruments/", views.instrument_list_page, name="instruments"),
    path("<slug:slug>/instruments/new/", builder_views.instrument_new_page, name="instrument_new"),
    path("<slug:slug>/scales/", builder_views.scales_page, name="scales"),
    path("<slug:slug>/instruments/<slug:key>/edit/", builder_views.builder_page, name="builder"),
    path("<slug:slug>/instruments/<slug:key>/edit/texts/", builder_views.texts_page, name="texts"),
    path(
        "<slug:slug>/instruments/<slug:key>/edit/section/",
        builder_views.section_page,
        name="section_new",
    ),
    path(
        "<slug:slug>/instruments/<slug:key>/edit/section/<str:section>/",
        builder_views.section_page,
        name="section_edit",
    ),
    path(
        "<slug:slug>/instruments/<slug:key>/edit/question/",
        builder_views.question_page,
        name="question_new",
    ),
    path(
        "<slug:slug>/instruments/<slug:key>/edit/question/<str:question>/",
        builder_views.question_page,
        name="question_edit",
    ),
    path("<slug:slug>/instruments/<slug:key>/edit/arrange/", builder_views.arrange, name="arrange"),
    path("<slug:slug>/instruments/<slug:key>/diff/", builder_views.diff_page, name="diff"),
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
    path(
        "<slug:slug>/distributions/<int:pk>/responses/<str:response_id>/file/",
        views.response_file,
        name="response_file",
    ),
]
