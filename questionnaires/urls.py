"""The team's pages, mounted under /evaluations/ (the respondent's form has respondent_urls)."""

from django.urls import path, register_converter
from django.urls.converters import StringConverter

from questionnaires.views import (
    answer_files,
    corrections,
    instruments,
    locks,
    open_links,
    outbox,
    recipients,
    remind,
    responses,
)
from questionnaires.views import builder as builder_views
from questionnaires.views import distribution as dviews
from questionnaires.views import tracking as tracking_views

app_name = "questionnaires"


class ResponseIdConverter(StringConverter):
    """A response's id (questionnaires.models.responses.response_id): anything else is a 404."""

    regex = "[0-9a-f]{32}"


register_converter(ResponseIdConverter, "response_id")

urlpatterns = [
    path("<slug:slug>/instruments/", instruments.instrument_list_page, name="instruments"),
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
    path(
        "<slug:slug>/instruments/<slug:key>/v<int:number>/",
        instruments.version_page,
        name="version",
    ),
    path(
        "<slug:slug>/instruments/<slug:key>/v<int:number>/yaml/",
        instruments.version_yaml,
        name="version_yaml",
    ),
    path(
        "<slug:slug>/instruments/<slug:key>/v<int:number>/xlsform/",
        instruments.version_xlsform,
        name="version_xlsform",
    ),
    path("<slug:slug>/distributions/<int:pk>/", dviews.distribution_page, name="distribution"),
    path(
        "<slug:slug>/distributions/<int:pk>/lock/",
        locks.distribution_lock_page,
        name="distribution_lock",
    ),
    path("<slug:slug>/distributions/<int:pk>/enter/", responses.entry_page, name="entry"),
    path("<slug:slug>/distributions/<int:pk>/settings/", dviews.settings_page, name="settings"),
    path(
        "<slug:slug>/distributions/<int:pk>/attachments/",
        dviews.attachment_add,
        name="attachment_add",
    ),
    path(
        "<slug:slug>/distributions/<int:pk>/attachments/<int:attachment>/delete/",
        dviews.attachment_delete,
        name="attachment_delete",
    ),
    path(
        "<slug:slug>/distributions/<int:pk>/open-link/",
        open_links.open_link_page,
        name="open_link",
    ),
    path(
        "<slug:slug>/distributions/<int:pk>/open-link/rotate/",
        open_links.open_link_rotate_view,
        name="open_link_rotate",
    ),
    path(
        "<slug:slug>/distributions/<int:pk>/open-link/close/",
        open_links.open_link_close_view,
        name="open_link_close",
    ),
    path("<slug:slug>/distributions/<int:pk>/send/", recipients.send, name="send"),
    path(
        "<slug:slug>/distributions/<int:pk>/invitations/bulk/",
        recipients.invitations_bulk,
        name="invitations_bulk",
    ),
    path(
        "<slug:slug>/distributions/<int:pk>/audience/count/",
        recipients.audience_count,
        name="audience_count",
    ),
    path("<slug:slug>/distributions/<int:pk>/remind/", remind.remind_page, name="remind"),
    path("<slug:slug>/distributions/<int:pk>/audience/", dviews.audience_page, name="audience"),
    path("<slug:slug>/distributions/<int:pk>/invite/", dviews.person_invite, name="invite"),
    path(
        "<slug:slug>/distributions/<int:pk>/audience/file/",
        dviews.audience_file,
        name="audience_file",
    ),
    path(
        "<slug:slug>/distributions/<int:pk>/invitations/<int:invitation>/",
        dviews.invitation_page,
        name="invitation",
    ),
    path("<slug:slug>/outbox/", outbox.outbox_page, name="outbox"),
    path("<slug:slug>/outbox/<int:message>/", outbox.message_page, name="message"),
    path(
        "<slug:slug>/distributions/<int:pk>/tracking/",
        tracking_views.tracking_page,
        name="tracking",
    ),
    path(
        "<slug:slug>/distributions/<int:pk>/tracking.csv",
        tracking_views.tracking_csv,
        name="tracking_csv",
    ),
    path(
        "<slug:slug>/distributions/<int:pk>/responses/<response_id:response_id>/",
        responses.response_page,
        name="response",
    ),
    path(
        "<slug:slug>/distributions/<int:pk>/responses/<response_id:response_id>/reopen/",
        corrections.reopen,
        name="response_reopen",
    ),
    path(
        "<slug:slug>/distributions/<int:pk>/responses/<response_id:response_id>/correct/",
        corrections.entry,
        name="correction_entry",
    ),
    path(
        "<slug:slug>/distributions/<int:pk>/corrections/<int:correction_id>/decide/",
        corrections.decide,
        name="correction_decide",
    ),
    path(
        "<slug:slug>/distributions/<int:pk>/responses/<response_id:response_id>/file/",
        responses.response_file,
        name="response_file",
    ),
    path(
        "<slug:slug>/distributions/<int:pk>/responses/<response_id:response_id>/files/<str:key>/",
        answer_files.answer_file,
        name="answer_file",
    ),
]
