"""The team's pages for a distribution: its recipients and responses, settings and messages,
attachments, audience, sending, and what each invitation went through."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.attributes import attribute_items
from common.errors import ValidationProblem, form_add_problem
from common.scheduler import scheduler_silence
from common.spreadsheets import read_table
from evaluations.models import Evaluation
from evaluations.permissions import Action, actions_for, can_see_links, ensure
from evaluations.views import evaluation_view
from questionnaires.audience import audience_clean, audience_people
from questionnaires.forms.distribution import (
    PLANNED_CHANNELS,
    AttachmentForm,
    AudienceFileForm,
    AudienceForm,
    DistributionSettingsForm,
    InvitationForm,
    ReasonForm,
)
from questionnaires.instrument_format.vocabulary import STANDARD_ATTRIBUTES
from questionnaires.message_texts import (
    DEFAULT_INVITATION_BODY,
    DEFAULT_INVITATION_SUBJECT,
    DEFAULT_REMINDER_BODY,
    DEFAULT_REMINDER_SUBJECT,
    PLACEHOLDERS,
    message_texts,
)
from questionnaires.models import Distribution, Invitation, Message
from questionnaires.selectors.corrections import pending_requests
from questionnaires.selectors.distributions import (
    closed_refusal,
    next_reminder,
    reminder_plan,
    reminder_slots,
    reminding_refusal,
    sending_refusal,
)
from questionnaires.selectors.responses import invitation_history, response_rows
from questionnaires.selectors.texts import text_problems
from questionnaires.selectors.tracking import attribute_keys
from questionnaires.services.actions import invitation_act
from questionnaires.services.distributions import (
    attachment_create,
    attachment_remove,
    distribution_update,
)
from questionnaires.services.invitations import (
    invitation_create,
    invitations_for_people,
    invitations_from_file,
)
from questionnaires.services.reminders import reminders_waiting
from questionnaires.views.open_links import open_link_context
from stakeholders.models import Person
from stakeholders.selectors import people_search


def _distribution(evaluation: Evaluation, pk: int) -> Distribution:
    return get_object_or_404(
        Distribution.objects.select_related("version__instrument", "evaluation", "created_by"),
        evaluation=evaluation,
        pk=pk,
    )


def _back(evaluation: Evaluation, distribution: Distribution, anchor: str = "") -> HttpResponse:
    response = redirect("questionnaires:distribution", slug=evaluation.slug, pk=distribution.pk)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


@evaluation_view(Action.VIEW_INSTRUMENTS)
def distribution_page(request: HttpRequest, evaluation: Evaluation, pk: int) -> HttpResponse:
    distribution = _distribution(evaluation, pk)
    allowed = actions_for(request.user, evaluation)
    form = InvitationForm(request.POST or None, languages=distribution.languages)
    status = 200
    if request.method == "POST":
        ensure(request.user, Action.MANAGE_RESPONDENTS, evaluation)
        if form.is_valid():
            try:
                invitation = invitation_create(
                    distribution=distribution,
                    by=request.user,
                    name=form.cleaned_data["name"],
                    email=form.cleaned_data["email"],
                    language=form.cleaned_data["language"],
                    channel=form.cleaned_data["channel"] or Invitation.Channel.WEB,
                    attributes=form.attributes,
                )
            except ValidationProblem as problem:
                form_add_problem(form, problem)
            else:
                messages.success(request, _("%(name)s added.") % {"name": invitation.name})
                return redirect("questionnaires:distribution", slug=evaluation.slug, pk=pk)
        status = 400
    # The open link's visitors were not invited: counted on its card, not listed here.
    invitations = (
        distribution.invitations.exclude(channel=Invitation.Channel.OPEN)
        .select_related("person")
        .order_by("name")
    )
    return render(
        request,
        "questionnaires/distribution.html",
        {
            "evaluation": evaluation,
            "distribution": distribution,
            "invitations": invitations,
            "form": form,
            "allowed": allowed,
            "rows": response_rows(user=request.user, distribution=distribution)
            if Action.VIEW_RESPONSES in allowed
            else [],
            "site_url": request.build_absolute_uri("/").rstrip("/"),
            "show_links": can_see_links(
                request.user, evaluation, confidentiality=distribution.confidentiality
            ),
            "waiting": sum(
                1 for i in invitations if i.status == "created" and i.channel != "phone"
            ),
            "bulk": Action.MANAGE_RESPONDENTS in allowed and not distribution.responses_locked_at,
            "select_all": request.GET.get("select") == "all",
            "planned": reminder_slots(distribution),
            "next_reminder": next_reminder(distribution),
            "scheduler_silence": scheduler_silence(zone=distribution.time_zone),
            "remind_count": reminders_waiting(distribution).count()
            if distribution.sent_at and not distribution.responses_locked_at
            else 0,
            "send_refusal": sending_refusal(distribution),
            "text_problems": text_problems(distribution)
            if Action.MANAGE_RESPONDENTS in allowed
            else [],
            "remind_refusal": reminding_refusal(distribution),
            "requests": pending_requests(user=request.user, distribution=distribution),
            **open_link_context(request, distribution),
        },
        status=status,
    )


@evaluation_view(Action.MANAGE_RESPONDENTS)
def settings_page(request: HttpRequest, evaluation: Evaluation, pk: int) -> HttpResponse:
    """Deadline, close, sender, message templates with a preview, reminders, attachments."""
    distribution = _distribution(evaluation, pk)
    initial = {
        "title": distribution.title,
        "deadline": distribution.deadline and distribution.deadline.astimezone(
            _zone(distribution)
        ).replace(tzinfo=None),
        "closes_at": distribution.closes_at and distribution.closes_at.astimezone(
            _zone(distribution)
        ).replace(tzinfo=None),
        "time_zone": distribution.time_zone,
        "sender_name": distribution.sender_name,
        "reply_to": distribution.reply_to,
        "reminder_days": ", ".join(str(d) for d in distribution.reminder_days),
        "max_reminders": distribution.max_reminders,
        "invitation_subject": distribution.invitation_subject or _(DEFAULT_INVITATION_SUBJECT),
        "invitation_body": distribution.invitation_body or _(DEFAULT_INVITATION_BODY),
        "reminder_subject": distribution.reminder_subject or _(DEFAULT_REMINDER_SUBJECT),
        "reminder_body": distribution.reminder_body or _(DEFAULT_REMINDER_BODY),
    }  # fmt: skip
    form = DistributionSettingsForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                distribution_update(distribution=distribution, by=request.user, **form.cleaned_data)
            except ValidationProblem as problem:
                form_add_problem(form, problem)
            else:
                messages.success(request, _("Settings saved."))
                return redirect("questionnaires:settings", slug=evaluation.slug, pk=pk)
        status = 400
    sample = distribution.invitations.order_by("name").first()
    return render(
        request,
        "questionnaires/distribution_settings.html",
        {
            "evaluation": evaluation,
            "distribution": distribution,
            "form": form,
            "placeholders": PLACEHOLDERS,
            "preview_invitation": message_texts(distribution, sample, Message.Kind.INVITATION),
            "preview_reminder": message_texts(distribution, sample, Message.Kind.REMINDER),
            "preview_for": sample.name if sample else _("an example recipient"),
            "show_links": can_see_links(
                request.user, evaluation, confidentiality=distribution.confidentiality
            ),
            "planned": reminder_plan(distribution),
            "attachment_form": AttachmentForm(attributes=_attribute_keys(distribution)),
        },
        status=status,
    )


def _zone(distribution: Distribution) -> ZoneInfo:
    return ZoneInfo(distribution.time_zone or "UTC")


def _attribute_keys(distribution: Distribution) -> list[str]:
    """The standard snapshot keys, and any other the recipients carry."""
    return list(dict.fromkeys([*STANDARD_ATTRIBUTES, *attribute_keys(distribution)]))


@require_POST
@evaluation_view(Action.MANAGE_RESPONDENTS)
def attachment_add(request: HttpRequest, evaluation: Evaluation, pk: int) -> HttpResponse:
    distribution = _distribution(evaluation, pk)
    form = AttachmentForm(request.POST, request.FILES, attributes=_attribute_keys(distribution))
    if form.is_valid():
        upload = form.cleaned_data["file"]
        attachment_create(
            distribution=distribution,
            by=request.user,
            file=upload,
            attribute=form.cleaned_data["attribute"],
            value=form.cleaned_data["value"],
        )
        messages.success(request, _("%(name)s attached.") % {"name": upload.name})
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("questionnaires:settings", slug=evaluation.slug, pk=pk)


@require_POST
@evaluation_view(Action.MANAGE_RESPONDENTS)
def attachment_delete(
    request: HttpRequest, evaluation: Evaluation, pk: int, attachment: int
) -> HttpResponse:
    distribution = _distribution(evaluation, pk)
    item = get_object_or_404(distribution.attachments, pk=attachment)
    try:
        attachment_remove(attachment=item, by=request.user)
    except ValidationProblem as problem:
        messages.error(request, problem.message)
    else:
        messages.success(request, _("Attachment removed."))
    return redirect("questionnaires:settings", slug=evaluation.slug, pk=pk)


@evaluation_view(Action.MANAGE_RESPONDENTS)
def audience_page(request: HttpRequest, evaluation: Evaluation, pk: int) -> HttpResponse:
    """Choose recipients from the registry: a saved query, or people found by name."""
    distribution = _distribution(evaluation, pk)
    form = AudienceForm(
        request.POST if request.method == "POST" else None,
        initial={**distribution.audience, "channel": "web"},
    )
    people: list[Person] = []
    status = 200
    if form.is_bound and form.is_valid():
        query = audience_clean(form.cleaned_data)
        people = list(audience_people(query))
        if "add" in request.POST:  # else "Show who this is"
            try:
                result = invitations_for_people(
                    distribution=distribution,
                    by=request.user,
                    people=people,
                    channel=form.cleaned_data["channel"] or Invitation.Channel.WEB,
                    audience=query,
                )
            except ValidationProblem as problem:
                form_add_problem(form, problem)
                status = 400
            else:
                _report_audience(request, result)
                return _back(evaluation, distribution, "invitations")
    elif form.is_bound:
        status = 400
    invited = set(distribution.invitations.values_list("person_id", flat=True))
    return render(
        request,
        "questionnaires/audience.html",
        {
            "evaluation": evaluation,
            "distribution": distribution,
            "form": form,
            "people": people,
            "invited": invited,
            "match": len(people) if form.is_bound and form.is_valid() else None,
            "already": sum(1 for person in people if person.pk in invited),
            "found": _found(request, request.GET.get("q", "")),
            "q": request.GET.get("q", ""),
            "list_form": AudienceFileForm(),
        },
        status=status,
    )


@require_POST
@evaluation_view(Action.MANAGE_RESPONDENTS)
def audience_file(request: HttpRequest, evaluation: Evaluation, pk: int) -> HttpResponse:
    """An uploaded list of recipients, matched into the registry, then invited."""
    distribution = _distribution(evaluation, pk)
    form = AudienceFileForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            table = read_table(upload, upload.name)
            result = invitations_from_file(
                distribution=distribution,
                by=request.user,
                table=table,
                channel=form.cleaned_data["channel"] or Invitation.Channel.WEB,
            )
        except ValidationProblem as problem:
            form_add_problem(form, problem)
        else:
            _report_audience(request, result)
            return _back(evaluation, distribution, "invitations")
    return render(
        request,
        "questionnaires/audience.html",
        {
            "evaluation": evaluation,
            "distribution": distribution,
            "form": AudienceForm(initial={**distribution.audience}),
            "people": [],
            "invited": set(),
            "found": [],
            "q": "",
            "list_form": form,
        },
        status=400,
    )


def _found(request: HttpRequest, q: str) -> list[Person]:
    """People for the name search, found as the registry's own search finds them."""
    if len(q.strip()) < 2:
        return []
    return list(people_search(user=request.user, q=q)[:20])


def _report_audience(request: HttpRequest, result: object) -> None:
    messages.success(request, _("%(n)d recipient(s) added.") % {"n": len(result.added)})
    if result.already:
        messages.info(
            request,
            _("Already invited, not added again: %(names)s.")
            % {"names": ", ".join(result.already[:20])},
        )
    if result.without_email:
        messages.warning(
            request,
            _("No e-mail address (add one before sending, or choose phone): %(names)s.")
            % {"names": ", ".join(result.without_email[:20])},
        )


@require_POST
@evaluation_view(Action.MANAGE_RESPONDENTS)
def person_invite(request: HttpRequest, evaluation: Evaluation, pk: int) -> HttpResponse:
    """Invite one registry person (from the name search)."""
    distribution = _distribution(evaluation, pk)
    person_id = request.POST.get("person", "")
    if not person_id.isdigit():
        messages.error(request, _("Choose a person from the list."))
        return _back(evaluation, distribution)
    person = get_object_or_404(Person, pk=int(person_id), merged_into__isnull=True)
    try:
        invitation_create(
            distribution=distribution,
            by=request.user,
            person=person,
            channel=request.POST.get("channel") or Invitation.Channel.WEB,
        )
    except ValidationProblem as problem:
        messages.error(request, problem.message)
    else:
        messages.success(request, _("%(name)s added.") % {"name": person.display_name})
    return _back(evaluation, distribution, "invitations")


STOPPED = Invitation.RESPONDED | {Invitation.Status.EXCLUDED, Invitation.Status.REVOKED}
RESTORABLE = {Invitation.Status.EXCLUDED, Invitation.Status.REVOKED, Invitation.Status.DECLINED}


@evaluation_view(Action.MANAGE_RESPONDENTS)
def invitation_page(
    request: HttpRequest, evaluation: Evaluation, pk: int, invitation: int
) -> HttpResponse:
    """One invitation: its history, its messages, and the team's actions on it."""
    distribution = _distribution(evaluation, pk)
    item = get_object_or_404(distribution.invitations.select_related("person"), pk=invitation)
    form = ReasonForm(request.POST or None)
    if request.method == "POST":
        try:
            invitation_act(
                invitation=item,
                by=request.user,
                action=request.POST.get("action", ""),
                data=request.POST,
            )
        except ValidationProblem as problem:
            messages.error(request, problem.message)
        else:
            messages.success(request, _("Done: %(name)s.") % {"name": item.name})
            return redirect(
                "questionnaires:invitation", slug=evaluation.slug, pk=pk, invitation=item.pk
            )
    open_ = distribution.responses_locked_at is None
    return render(
        request,
        "questionnaires/invitation.html",
        {
            "evaluation": evaluation,
            "distribution": distribution,
            "invitation": item,
            "attributes": attribute_items(item.attributes),
            "events": invitation_history(
                item.events.select_related("by"), distribution=distribution
            ),
            "messages_sent": item.messages.all(),
            "form": form,
            # Locked responses: the banner says why, and no action is offered.
            "can_resend": open_ and item.status not in STOPPED and bool(item.email),
            "resend_refusal": closed_refusal(distribution),
            "can_exclude": open_ and item.status not in STOPPED,
            "can_restore": open_ and item.status in RESTORABLE,
            "channels": PLANNED_CHANNELS,
        },
    )
