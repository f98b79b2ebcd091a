"""The texts of invitation and reminder e-mails: placeholders, the default wording, checking
the team's templates, and rendering them for one recipient (or an example, for the preview)."""

from __future__ import annotations

import re

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from common.moments import moment_text
from questionnaires import links
from questionnaires.models import Distribution, Invitation, Message
from questionnaires.models.instruments import localized

PLACEHOLDERS = {
    "name": gettext_noop("the recipient's name"),
    "title": gettext_noop("the questionnaire's title"),
    "evaluation": gettext_noop("the evaluation's title"),
    "short_title": gettext_noop("the evaluation's short title (its title when it has none)"),
    "link": gettext_noop("the personal link"),
    "decline_link": gettext_noop("the link to decline"),
    "deadline": gettext_noop("the deadline, in the distribution's time zone"),
    "sender": gettext_noop("the sender's name"),
}
PLACEHOLDER = re.compile(r"\{(\w+)\}")
LINK_PLACEHOLDERS = {"link", "decline_link"}

# Subjects are read in a list: the short title, not the evaluation's full one.
DEFAULT_INVITATION_SUBJECT = gettext_noop("{short_title}: {title}")
DEFAULT_INVITATION_BODY = gettext_noop(
    "Dear {name},\n\n"
    "As part of the {evaluation}, we would be grateful for your answers to the questionnaire "
    "“{title}”. Your personal link:\n\n{link}\n\n"
    "You can answer over several visits; your answers are saved as you go. "
    "Please reply by {deadline}.\n\n"
    "If you prefer not to take part, tell us here: {decline_link}\n\n"
    "With thanks,\n{sender}"
)
DEFAULT_REMINDER_SUBJECT = gettext_noop("Reminder: {title}")
DEFAULT_REMINDER_BODY = gettext_noop(
    "Dear {name},\n\n"
    "A reminder that we would value your answers to “{title}” by {deadline}. "
    "Your personal link (what you saved is kept):\n\n{link}\n\n"
    "If you prefer not to take part: {decline_link}\n\n"
    "With thanks,\n{sender}"
)


def template_problems(text: str) -> list[str]:
    """The placeholders in a template that do not exist, e.g. ['{nmae}']."""
    return sorted({f"{{{m}}}" for m in PLACEHOLDER.findall(text) if m not in PLACEHOLDERS})


def check_templates(fields: dict[str, str]) -> dict[str, list[str]]:
    """Field errors for templates with unknown placeholders (naming the allowed ones)."""
    allowed = ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)
    errors = {}
    for field_name, text in fields.items():
        unknown = template_problems(text or "")
        if unknown:
            errors[field_name] = [
                _("Unknown placeholder %(unknown)s. Use %(allowed)s.")
                % {"unknown": ", ".join(unknown), "allowed": allowed}
            ]
        elif field_name.endswith("subject") and LINK_PLACEHOLDERS & set(
            PLACEHOLDER.findall(text or "")
        ):
            # Subjects are listed to the whole team; personal links are not for everyone.
            errors[field_name] = [_("A subject cannot hold {link} or {decline_link}.")]
    return errors


def deadline_text(distribution: Distribution) -> str:
    if distribution.deadline is None:
        return _("the end of the survey")
    return moment_text(distribution.deadline, distribution, "j F Y, H:i")


def _link(invitation: Invitation, name: str = "respondent:start") -> str:
    return links.link_url(invitation, name)


def sender_name(distribution: Distribution) -> str:
    if distribution.sender_name:
        return distribution.sender_name
    creator = distribution.created_by
    return (creator.display_name if creator else "") or distribution.evaluation.title


def render(template: str, values: dict[str, str]) -> str:
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template)


def recipient_language(distribution: Distribution, invitation: Invitation) -> str:
    """The language of a recipient's e-mails: the invitation's (the person's preference when
    the distribution offers it), else English."""
    language = invitation.language or ""
    return language if language in (distribution.languages or []) else "en"


def questionnaire_title(distribution: Distribution) -> str:
    """The distribution's title, in the active language when it is the questionnaire's own
    title (a title the team typed for the distribution is kept as typed)."""
    version_title = distribution.version.title if distribution.version_id else None
    if isinstance(version_title, dict) and distribution.title == localized(version_title, "en"):
        return localized(version_title, translation.get_language() or "en") or distribution.title
    return distribution.title


def message_texts(
    distribution: Distribution, invitation: Invitation | None, kind: str
) -> tuple[str, str]:
    """Subject and body for one recipient, in the recipient's language (or for an example
    recipient for the preview, in the page's language). Texts the team wrote for the
    distribution stay as written; the default wording, the date and the questionnaire's
    title are translated."""
    if invitation is None:
        return _message_texts(distribution, None, kind)
    with translation.override(recipient_language(distribution, invitation)):
        return _message_texts(distribution, invitation, kind)


def _message_texts(
    distribution: Distribution, invitation: Invitation | None, kind: str
) -> tuple[str, str]:
    if kind == Message.Kind.REMINDER:
        subject = distribution.reminder_subject or _(DEFAULT_REMINDER_SUBJECT)
        body = distribution.reminder_body or _(DEFAULT_REMINDER_BODY)
    else:
        subject = distribution.invitation_subject or _(DEFAULT_INVITATION_SUBJECT)
        body = distribution.invitation_body or _(DEFAULT_INVITATION_BODY)
    example = settings.SITE_URL.rstrip("/") + "/r/EXAMPLE-LINK/"
    values = {
        "name": invitation.name if invitation else _("Ana Example"),
        "title": questionnaire_title(distribution),
        "evaluation": distribution.evaluation.title,
        "short_title": distribution.evaluation.short,
        "link": _link(invitation) if invitation else example,
        "decline_link": _link(invitation, "respondent:decline") if invitation else example,
        "deadline": deadline_text(distribution),
        "sender": sender_name(distribution),
    }
    return " ".join(render(subject, values).split())[:300], render(body, values)


def attachments_for(invitation: Invitation) -> list[dict[str, str]]:
    """The distribution's files meant for this recipient (everyone's, and their group's)."""
    return [
        {"name": a.filename, "path": a.file.name}
        for a in invitation.distribution.attachments.all()
        if not a.attribute or str(invitation.attributes.get(a.attribute, "")) == a.value
    ]
