"""Anonymous distributions keep their respondents' times as a day only (issue 14, item 1).

The code now stores the respondent's own steps of an anonymous distribution (opened, started,
submitted, returned, declined) at 00:00 UTC of their day, and a submitted anonymous response
with its day of submission only, no draft times, and late by the day. Rows written before
still hold exact times, which order the respondents finer than their day: this gives them the
same rule (questionnaires.services.events.day_start, copied here so this migration does not
change if the code does). The team's own steps (created, sent, reminded …) keep their time.
Going back leaves the days: the exact times are gone, as they should be."""

import datetime as dt

from django.db import migrations

ANONYMOUS = "anonymous"
OWN_STEPS = ("opened", "started", "submitted", "returned", "declined")
BATCH = 1000


def day_start(value):
    """00:00 UTC of the time's UTC day (None stays None)."""
    if value is None:
        return None
    return dt.datetime.combine(value.astimezone(dt.UTC).date(), dt.time(), tzinfo=dt.UTC)


def _repair(queryset, fields, new_values, *, read=()):
    """Give each row of the queryset `new_values(row)` (a dict of `fields`; the row has
    them and `read`), in batches by primary key, each read whole before it is written."""
    model, last = queryset.model, None
    queryset = queryset.only("pk", *fields, *read).order_by("pk")
    while True:
        page = list((queryset if last is None else queryset.filter(pk__gt=last))[:BATCH])
        if not page:
            return
        changed = []
        for row in page:
            values = new_values(row)
            if any(getattr(row, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(row, name, value)
                changed.append(row)
        if changed:
            model.objects.bulk_update(changed, fields)
        last = page[-1].pk


def anonymous_times_to_the_day(apps, schema_editor):
    Distribution = apps.get_model("questionnaires", "Distribution")
    Invitation = apps.get_model("questionnaires", "Invitation")
    InvitationEvent = apps.get_model("questionnaires", "InvitationEvent")
    Response = apps.get_model("questionnaires", "Response")
    deadlines = dict(
        Distribution.objects.filter(confidentiality=ANONYMOUS).values_list("pk", "deadline")
    )
    if not deadlines:
        return
    _repair(
        InvitationEvent.objects.filter(
            invitation__distribution__confidentiality=ANONYMOUS, status__in=OWN_STEPS
        ),
        ["at"],
        lambda event: {"at": day_start(event.at)},
    )
    _repair(
        Invitation.objects.filter(distribution__confidentiality=ANONYMOUS),
        ["opened_at", "submitted_at"],
        lambda invitation: {
            "opened_at": day_start(invitation.opened_at),
            "submitted_at": day_start(invitation.submitted_at),
        },
    )

    def submitted(response):
        day = day_start(response.submitted_at)
        deadline = deadlines.get(response.distribution_id)
        late = response.late
        if late and day is not None and deadline is not None:
            # Late by the day, as response_submit decides for an anonymous response now:
            # one late by the minute on the deadline's day is not.
            late = day.date() > deadline.astimezone(dt.UTC).date()
        return {"submitted_at": day, "started_at": None, "last_saved_at": None, "late": late}

    _repair(
        Response.objects.filter(distribution__confidentiality=ANONYMOUS, status="submitted"),
        ["submitted_at", "started_at", "last_saved_at", "late"],
        submitted,
        read=["distribution_id"],
    )


class Migration(migrations.Migration):
    dependencies = [
        ("questionnaires", "0003_invitation_link_hash"),
    ]

    operations = [
        migrations.RunPython(anonymous_times_to_the_day, migrations.RunPython.noop),
    ]
