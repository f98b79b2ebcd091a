"""Writes on evaluations and their teams. Every door (page, API, admin, command) calls these."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.services import invitation_send, needs_invitation, user_get_or_create
from common.errors import ValidationProblem, validate_model
from evaluations.models import (
    EVALUATION_EDITABLE_FIELDS,
    RESERVED_SLUGS,
    Evaluation,
    Membership,
)
from evaluations.permissions import Action, ensure, ensure_can_create_evaluation, forget_roles

if TYPE_CHECKING:
    from accounts.models import User

Role = Membership.Role


def initials_from_name(name: str) -> str:
    """'Lena Example' -> 'LE'; 'Ana García-López' -> 'AGL'. Empty for an empty name."""
    words = (word.strip(".,") for word in name.replace("-", " ").split())
    return "".join(word[0].upper() for word in words if word)[:12]


def slug_available(slug: str) -> str:
    """A slug based on `slug` that no evaluation uses yet (adds -2, -3 … if needed)."""
    base = slugify(slug)[:70] or "evaluation"
    candidate, n = base, 1
    while candidate in RESERVED_SLUGS or Evaluation.objects.filter(slug=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def _slug_taken_problem(slug: str) -> ValidationProblem:
    return ValidationProblem(
        _("The short name “%(slug)s” is already used by another evaluation.") % {"slug": slug},
        errors={"slug": [_("Already used by another evaluation; choose another.")]},
    )


@transaction.atomic
def evaluation_create(
    *,
    by: User,
    title: str,
    slug: str = "",
    short_title: str = "",
    description: str = "",
    period_start: date | None = None,
    period_end: date | None = None,
    collection_start: date | None = None,
    collection_end: date | None = None,
    languages: Sequence[str] = ("en",),
    small_cell_threshold: int = 5,
    status: str = Evaluation.Status.DRAFT,
    time_zone: str = "UTC",
    report_date: date | None = None,
    retention_months: int | None = None,
    initials: str = "",
) -> Evaluation:
    """Create an evaluation with its creator as lead evaluator."""
    ensure_can_create_evaluation(by)
    slug = slug.strip()
    if slug and Evaluation.objects.filter(slug=slug).exists():
        raise _slug_taken_problem(slug)
    evaluation = Evaluation(
        title=title.strip(),
        short_title=short_title.strip(),
        slug=slug or slug_available(title),
        description=description,
        period_start=period_start,
        period_end=period_end,
        collection_start=collection_start,
        collection_end=collection_end,
        languages=list(languages),
        small_cell_threshold=small_cell_threshold,
        status=status,
        time_zone=time_zone,
        report_date=report_date,
        retention_months=retention_months,
        created_by=by,
    )
    validate_model(evaluation)
    try:
        with transaction.atomic():
            evaluation.save()
    except IntegrityError as exc:  # a concurrent create took the slug
        raise _slug_taken_problem(evaluation.slug) from exc
    Membership.objects.create(
        evaluation=evaluation,
        user=by,
        role=Role.LEAD,
        initials=initials.strip() or initials_from_name(by.name),
        added_by=by,
    )
    forget_roles(by)
    return evaluation


@transaction.atomic
def evaluation_update(*, evaluation: Evaluation, by: User, **changes: object) -> Evaluation:
    """Change the evaluation's settings (lead only); saves only the fields that changed."""
    ensure(by, Action.CHANGE_EVALUATION, evaluation)
    unknown = sorted(set(changes) - set(EVALUATION_EDITABLE_FIELDS))
    if unknown:
        raise ValidationProblem(
            _("These fields cannot be changed: %(fields)s.") % {"fields": ", ".join(unknown)},
            errors={field: [_("Not a changeable field.")] for field in unknown},
        )
    changed = [field for field, value in changes.items() if getattr(evaluation, field) != value]
    if not changed:
        return evaluation
    new_slug = changes.get("slug")
    if (
        "slug" in changed
        and Evaluation.objects.filter(slug=new_slug).exclude(pk=evaluation.pk).exists()
    ):
        raise _slug_taken_problem(str(new_slug))
    for field in changed:
        setattr(evaluation, field, changes[field])
    if "languages" in changed:
        evaluation.languages = list(evaluation.languages)
    if (
        "status" in changed
        and evaluation.status == Evaluation.Status.DRAFT
        and Evaluation.objects.filter(pk=evaluation.pk)
        .exclude(status=Evaluation.Status.DRAFT)
        .exists()
    ):
        raise ValidationProblem(
            _("An evaluation that has been active cannot go back to draft."),
            errors={"status": [_("Choose active or closed.")]},
        )
    validate_model(evaluation)
    try:
        with transaction.atomic():
            evaluation.save(update_fields=[*changed, "updated_at"])
    except IntegrityError as exc:  # a concurrent change took the slug
        raise _slug_taken_problem(evaluation.slug) from exc
    return evaluation


@transaction.atomic
def evaluation_delete(*, evaluation: Evaluation, by: User) -> None:
    """Delete a draft evaluation (lead only). Active and closed ones keep their data."""
    ensure(by, Action.DELETE_EVALUATION, evaluation)
    if evaluation.status != Evaluation.Status.DRAFT or evaluation.distributions.exists():
        raise ValidationProblem(
            _(
                "Only a draft evaluation can be deleted. This one is %(status)s: close it "
                "instead, so that its data stays."
            )
            % {"status": evaluation.get_status_display().lower()}
        )
    evaluation.delete()


def _ensure_initials_free(evaluation: Evaluation, initials: str, *, exclude_pk: int | None) -> None:
    if not initials:
        return
    clashes = (
        Membership.objects.filter(evaluation=evaluation)
        .annotate(initials_lower=Lower("initials"))
        .filter(initials_lower=initials.lower())
    )
    if exclude_pk is not None:
        clashes = clashes.exclude(pk=exclude_pk)
    clash = clashes.select_related("user").first()
    if clash is not None:
        raise ValidationProblem(
            _("The initials “%(initials)s” are already used by %(name)s in this evaluation.")
            % {"initials": clash.initials, "name": clash.user.display_name},
            errors={
                "initials": [_("Already used by %(name)s.") % {"name": clash.user.display_name}]
            },
        )


def _ensure_role(role: str) -> None:
    if role not in Role.values:
        raise ValidationProblem(
            _("Unknown role “%(role)s”. Choose one of: %(roles)s.")
            % {"role": role, "roles": ", ".join(Role.values)},
            errors={"role": [_("Unknown role.")]},
        )


@transaction.atomic
def membership_add(
    *,
    evaluation: Evaluation,
    by: User,
    email: str,
    role: str,
    initials: str = "",
    name: str = "",
) -> Membership:
    """Add a person to the team by e-mail; a new address gets an account without a password
    (member_invite then e-mails the invitation, after the commit)."""
    ensure(by, Action.MANAGE_MEMBERS, evaluation)
    _ensure_role(role)
    existing = (
        Membership.objects.filter(evaluation=evaluation, user__email__iexact=email.strip())
        .select_related("user")
        .first()
    )
    if existing is not None:
        raise ValidationProblem(
            _("%(name)s is already a member of this evaluation, as %(role)s.")
            % {"name": existing.user.display_name, "role": existing.get_role_display()},
            errors={"email": [_("Already a member.")]},
        )
    user, _created = user_get_or_create(email=email, name=name)
    initials = initials.strip() or _free_default_initials(evaluation, user)
    _ensure_initials_free(evaluation, initials, exclude_pk=None)
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                evaluation=evaluation, user=user, role=role, initials=initials, added_by=by
            )
    except IntegrityError as exc:  # a concurrent request added the person or took the initials
        if "initials" in str(exc).lower():
            raise ValidationProblem(
                _("The initials “%(initials)s” were just taken by another member.")
                % {"initials": initials},
                errors={"initials": [_("Already used.")]},
            ) from exc
        raise ValidationProblem(
            _("%(email)s is already a member of this evaluation.") % {"email": user.email},
            errors={"email": [_("Already a member.")]},
        ) from exc
    forget_roles(user)
    return membership


def member_invite(
    *,
    evaluation: Evaluation,
    by: User,
    email: str,
    role: str,
    initials: str = "",
    name: str = "",
) -> tuple[Membership, str | None]:
    """Add a member (committed first), then e-mail a set-password link if they have no
    password yet. Returns the membership and, if the e-mail failed, what to tell the lead."""
    membership = membership_add(
        evaluation=evaluation, by=by, email=email, role=role, initials=initials, name=name
    )
    return membership, _invite_if_needed(membership, by)


def member_reinvite(*, membership: Membership, by: User) -> str | None:
    """Send the set-password e-mail again; None when sent."""
    ensure(by, Action.MANAGE_MEMBERS, membership.evaluation)
    if not needs_invitation(membership.user):
        raise ValidationProblem(
            _("%(name)s already has a password: they can log in, or reset it themselves.")
            % {"name": membership.user.display_name}
        )
    return _invite_if_needed(membership, by)


def _invite_if_needed(membership: Membership, by: User) -> str | None:
    if not needs_invitation(membership.user):
        return None
    return invitation_send(
        user=membership.user,
        invited_by=by,
        reason=_("the evaluation “%(title)s”") % {"title": membership.evaluation.title},
    )


def _free_default_initials(evaluation: Evaluation, user: User) -> str:
    """Initials from the user's name, or none when another member already has them."""
    initials = initials_from_name(user.name)
    if (
        initials
        and Membership.objects.filter(evaluation=evaluation, initials__iexact=initials).exists()
    ):
        return ""
    return initials


def _ensure_a_lead_remains(membership: Membership) -> None:
    if membership.role != Role.LEAD:
        return
    other_leads = (
        Membership.objects.filter(evaluation=membership.evaluation, role=Role.LEAD)
        .exclude(pk=membership.pk)
        .exists()
    )
    if not other_leads:
        raise ValidationProblem(
            _(
                "%(name)s is the only lead evaluator. Make another member lead first: an "
                "evaluation always keeps one."
            )
            % {"name": membership.user.display_name},
            errors={"role": [_("The evaluation needs at least one lead evaluator.")]},
        )


@transaction.atomic
def membership_change(
    *,
    membership: Membership,
    by: User,
    role: str | None = None,
    initials: str | None = None,
) -> Membership:
    """Change a member's role or initials (lead only); the last lead stays lead."""
    ensure(by, Action.MANAGE_MEMBERS, membership.evaluation)
    # Lock the evaluation's leads so two leads demoting each other cannot leave none.
    list(
        Membership.objects.select_for_update().filter(
            evaluation=membership.evaluation, role=Role.LEAD
        )
    )
    changed: list[str] = []
    if role is not None and role != membership.role:
        _ensure_role(role)
        _ensure_a_lead_remains(membership)
        membership.role = role
        changed.append("role")
    if initials is not None and initials.strip() != membership.initials:
        initials = initials.strip()
        _ensure_initials_free(membership.evaluation, initials, exclude_pk=membership.pk)
        membership.initials = initials
        changed.append("initials")
    if changed:
        try:
            with transaction.atomic():
                membership.save(update_fields=changed)
        except IntegrityError as exc:  # a concurrent change took the initials
            raise ValidationProblem(
                _("The initials “%(initials)s” were just taken by another member.")
                % {"initials": membership.initials},
                errors={"initials": [_("Already used.")]},
            ) from exc
        forget_roles(membership.user)
        forget_roles(by)
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, by: User) -> None:
    """Remove a member (lead only); the last lead cannot be removed."""
    ensure(by, Action.MANAGE_MEMBERS, membership.evaluation)
    list(
        Membership.objects.select_for_update().filter(
            evaluation=membership.evaluation, role=Role.LEAD
        )
    )
    _ensure_a_lead_remains(membership)
    membership.delete()
    forget_roles(membership.user)
    forget_roles(by)
