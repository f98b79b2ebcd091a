from __future__ import annotations

import factory
from django.contrib.auth.models import Permission

from accounts.models import User
from common.names import normalise, normalise_text
from evaluations.models import Evaluation, Membership

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    name = factory.Sequence(lambda n: f"Person Number{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def can_create_evaluations(
        self, create: bool, extracted: bool | None, **kwargs: object
    ) -> None:
        if create and extracted:
            self.user_permissions.add(
                Permission.objects.get(
                    codename="add_evaluation", content_type__app_label="evaluations"
                )
            )
        if create:
            self.save()


class EvaluationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evaluation

    title = factory.Sequence(lambda n: f"Evaluation of example programme {n}")
    slug = factory.Sequence(lambda n: f"evaluation-{n}")
    status = Evaluation.Status.ACTIVE


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    evaluation = factory.SubFactory(EvaluationFactory)
    user = factory.SubFactory(UserFactory)
    role = Membership.Role.EVALUATOR
    initials = ""


class PersonFactory(factory.django.DjangoModelFactory):
    """A registry person; `normalised` follows the display name as the services compute it."""

    class Meta:
        model = "stakeholders.Person"

    display_name = factory.Sequence(lambda n: f"Given{n} Family{n}")
    given_name = factory.LazyAttribute(lambda o: o.display_name.rsplit(" ", 1)[0])
    family_name = factory.LazyAttribute(lambda o: o.display_name.rsplit(" ", 1)[-1])
    normalised = factory.LazyAttribute(lambda o: normalise(o.display_name))
    emails = factory.LazyAttribute(lambda o: [f"{o.normalised.replace(' ', '.')}@example.org"])


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "stakeholders.Organisation"

    name = factory.Sequence(lambda n: f"Example Organisation {n}")
    normalised = factory.LazyAttribute(lambda o: normalise_text(o.name))


class ParticipationFactory(factory.django.DjangoModelFactory):
    """A registry person in an interview, written straight to the table (the services copy the
    person's affiliation; tests that need that use `tests.interviews.builders.log`). Pass
    `interview`."""

    class Meta:
        model = "interviews.Participation"

    person = factory.SubFactory(PersonFactory)


class ResponseFactory(factory.django.DjangoModelFactory):
    """A draft response to an invitation, with no answers. Pass `invitation`."""

    class Meta:
        model = "questionnaires.Response"

    distribution = factory.LazyAttribute(lambda o: o.invitation.distribution)
    version = factory.LazyAttribute(lambda o: o.distribution.version)


class MessageFactory(factory.django.DjangoModelFactory):
    """A queued invitation e-mail in the outbox. Pass `invitation`."""

    class Meta:
        model = "questionnaires.Message"

    key = factory.Sequence(lambda n: f"test:{n}:invitation")
    distribution = factory.LazyAttribute(lambda o: o.invitation.distribution)
    kind = "invitation"
    recipient = factory.LazyAttribute(lambda o: o.invitation.email or "respondent@example.org")
    subject = "Your questionnaire"
    body = "Please answer."


class ExportJobFactory(factory.django.DjangoModelFactory):
    """A requested export, queued and without a file."""

    class Meta:
        model = "reports.ExportJob"

    evaluation = factory.SubFactory(EvaluationFactory)
    kind = "workbook"
    requested_by = factory.SubFactory(UserFactory)
