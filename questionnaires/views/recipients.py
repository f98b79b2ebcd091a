"""Picking and acting on recipients at scale: the live count of an audience, the confirmation
before invitations go out (with a sample of the message), and the recipient table's bulk
actions (send again, exclude)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from common.errors import ValidationProblem
from evaluations.models import Evaluation
from evaluations.permissions import Action, can_see_links
from evaluations.views import evaluation_view
from questionnaires.audience import audience_clean, audience_people
from questionnaires.forms.distribution import AudienceForm
from questionnaires.message_texts import message_texts
from questionnaires.models import Distribution, Invitation, Message
from questionnaires.selectors.texts import text_problems
from questionnaires.services.actions import invitations_act
from questionnaires.services.distributions import form_is_closed
from questionnaires.services.messaging import distribution_send
from questionnaires.views.distribution import _back, _distribution


def audience_match(distribution: Distribution, form: AudienceForm) -> tuple[int | None, int]:
    """How many registry people the (valid) form selects, and how many of them are already
    invited; (None, 0) when nothing is chosen yet."""
    if not form.is_valid():
        return None, 0
    people = audience_people(audience_clean(form.cleaned_data))
    invited = distribution.invitations.filter(person__isnull=False).values("person_id")
    return people.count(), people.filter(pk__in=invited).count()


@require_GET
@evaluation_view(Action.MANAGE_RESPONDENTS)
def audience_count(request: HttpRequest, evaluation: Evaluation, pk: int) -> HttpResponse:
    """ "43 people match": the count under the audience form, fetched as boxes are ticked."""
    distribution = _distribution(evaluation, pk)
    match, already = audience_match(distribution, AudienceForm(request.GET))
    return render(
        request,
        "questionnaires/_audience_count.html",
        {
            "evaluation": evaluation,
            "distribution": distribution,
            "match": match,
            "already": already,
        },
    )


def _waiting(distribution: Distribution):
    return distribution.invitations.filter(status=Invitation.Status.CREATED).exclude(
        channel=Invitation.Channel.PHONE
    )


@evaluation_view(Action.MANAGE_RESPONDENTS)
def send(request: HttpRequest, evaluation: Evaluation, pk: int) -> HttpResponse:
    """GET: "Send 43 invitations?" with a sample of the message; POST: send them."""
    distribution = _distribution(evaluation, pk)
    if request.method == "POST":
        try:
            count = distribution_send(
                distribution=distribution,
                by=request.user,
                texts_confirmed=request.POST.get("texts_confirmed") == "on",
            )
        except ValidationProblem as problem:
            messages.error(request, problem.message)
        else:
            messages.success(
                request,
                _("%(count)d invitation(s) queued for sending. The outbox shows each message.")
                % {"count": count},
            )
        return _back(evaluation, distribution)
    waiting = _waiting(distribution).order_by("name")
    sample = waiting.first()
    # The real message holds the recipient's personal link: an example recipient for those
    # who may not see the links (the outbox follows the same rule).
    if sample is not None and not can_see_links(
        request.user, evaluation, confidentiality=distribution.confidentiality
    ):
        sample = None
    subject, body = message_texts(distribution, sample, Message.Kind.INVITATION)
    now = timezone.now()
    return render(
        request,
        "questionnaires/send_confirm.html",
        {
            "evaluation": evaluation,
            "distribution": distribution,
            "count": waiting.count(),
            "sample": sample,
            "subject": subject,
            "body": body,
            "without_email": waiting.filter(email="").count(),
            "closed": form_is_closed(distribution),
            "deadline_passed": bool(distribution.deadline and distribution.deadline <= now),
            "text_problems": text_problems(distribution, now),
            "texts_confirmed": request.GET.get("texts_confirmed") == "on",
        },
    )


@require_POST
@evaluation_view(Action.MANAGE_RESPONDENTS)
def invitations_bulk(request: HttpRequest, evaluation: Evaluation, pk: int) -> HttpResponse:
    """The recipient table's bulk buttons: send again or exclude the ticked invitations."""
    distribution = _distribution(evaluation, pk)
    ids = [int(v) for v in request.POST.getlist("invitation") if v.isdigit()]
    chosen = list(
        distribution.invitations.filter(pk__in=ids).select_related("distribution__evaluation")
    )
    if not chosen:
        messages.error(request, _("Tick at least one recipient first."))
        return _back(evaluation, distribution, "invitations")
    try:
        done, refused = invitations_act(
            invitations=chosen,
            by=request.user,
            action=request.POST.get("action", ""),
            data=request.POST,
        )
    except ValidationProblem as problem:
        messages.error(request, problem.message)
        return _back(evaluation, distribution, "invitations")
    if done:
        messages.success(
            request,
            ngettext("Done for %(count)d recipient.", "Done for %(count)d recipients.", len(done))
            % {"count": len(done)},
        )
    if refused:
        messages.warning(request, _("Not done: %(list)s") % {"list": "; ".join(refused[:20])})
    return _back(evaluation, distribution, "invitations")
