"""Small-cell suppression that holds (issue 14, item 3): every table a suppressed view shows
goes through common.suppression.suppress_breakdown, and no hidden cell of it can be
worked out from what is shown — the totals minus the shown cells, a cell alone in its line, the
counts outside the scale. Checked exhaustively over small tables, then through the API and the
pages where the two leaks were found (a viewer's rates, a Likert row with n = 0)."""

from __future__ import annotations

import functools
import itertools

import pytest
from django.urls import reverse

from common.suppression import Breakdown, suppress_breakdown
from interviews import services as interview_services
from tests.interviews.builders import country, group
from tests.reports.builders import outside_survey, staff_survey

THRESHOLD = 5
Cell = tuple[int, int]


# --- the attacker ------------------------------------------------------------------------------


@functools.cache
def moves(hidden: tuple[Cell, ...], lines: tuple[tuple[Cell, ...], ...]) -> list[dict]:
    """Every change of the hidden cells by -1, 0 or +1 that keeps each line's sum (a total that
    is shown). Lines are those of a transportation table, so if the hidden cells have another
    value consistent with what is shown, one of these moves reaches one (a conformal cycle)."""
    found = []
    for steps in itertools.product((-1, 0, 1), repeat=len(hidden)):
        if not any(steps):
            continue
        move = dict(zip(hidden, steps, strict=True))
        if all(sum(move.get(cell, 0) for cell in line) == 0 for line in lines):
            found.append(move)
    return found


def recovered(counts: list[list[int]], shown: Breakdown, scale: int) -> list[Cell]:
    """The hidden non-zero cells whose value is the only one consistent with what is shown:
    the shown cells, each shown group's n (the first `scale` columns) and, with the overall
    row shown, each column's total; counts are whole numbers, none negative. (A hidden zero
    says no more than the zero the rule would show.)"""
    hidden = tuple(
        (i, j) for i, row in enumerate(shown.groups) for j, cell in enumerate(row) if cell is None
    )
    lines: list[tuple[Cell, ...]] = []
    if shown.overall:
        width = len(counts[0])
        lines += [
            tuple((i, j) for i in range(len(counts)) if (i, j) in hidden) for j in range(width)
        ]
    for i, whole in enumerate(shown.whole):
        if not whole and scale:
            lines.append(tuple((i, j) for j in range(scale) if (i, j) in hidden))
    lines = [line for line in lines if line]
    possible = [
        m
        for m in moves(hidden, tuple(lines))
        if all(counts[i][j] + s >= 0 for (i, j), s in m.items())
    ]
    return [
        (i, j) for i, j in hidden if counts[i][j] and not any(move.get((i, j)) for move in possible)
    ]


def likert(counts: list[list[int]], scale: int) -> Breakdown:
    def sizes(row: list[int]) -> list[int]:
        return [sum(row[:scale]), sum(row)]

    total = [sum(column) for column in zip(*counts, strict=True)]
    return suppress_breakdown(
        counts,
        THRESHOLD,
        sizes=[sizes(row) for row in counts],
        overall_sizes=sizes(total),
        scale=scale,
    )


def rates(counts: list[list[int]]) -> Breakdown:
    """Rates rows: responded, then another count of respondents (e.g. returned); the group
    is hidden whole by its respondents, the Total shown unless it would give one back."""
    return suppress_breakdown(
        counts, THRESHOLD, sizes=[[row[0]] for row in counts], overall_sizes=[], cells=False
    )


def tables(groups: int, width: int, top: int = 6):
    for values in itertools.product(range(top + 1), repeat=groups * width):
        yield [list(values[g * width : (g + 1) * width]) for g in range(groups)]


# --- exhaustively, on plain counts -------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    ("groups", "scale", "outside"),
    [(1, 2, 1), (2, 2, 1), (3, 2, 0), (3, 1, 1), (2, 3, 0), (3, 0, 2)],
)
def test_no_hidden_likert_count_can_be_worked_out(groups, scale, outside) -> None:
    """Every table of 1–3 groups with counts 0–6 (in-scale points, Don't know / N/A) at
    threshold 5: no hidden count is given back by the n, the overall row or the other cells."""
    leaks = []
    for counts in tables(groups, scale + outside):
        shown = likert(counts, scale)
        if found := recovered(counts, shown, scale):
            leaks.append((counts, shown, found))
    assert leaks[:3] == []


@pytest.mark.slow
@pytest.mark.parametrize(("groups", "width"), [(1, 2), (2, 2), (3, 2), (4, 1), (5, 1)])
def test_no_hidden_rate_can_be_worked_out_from_the_total(groups, width) -> None:
    """Every rates table of 1–5 groups with 0–6 respondents (and another count of them) at
    threshold 5: no hidden count is the Total minus the shown ones."""
    leaks = []
    for counts in tables(groups, width):
        shown = rates(counts)
        if found := recovered(counts, shown, 0):
            leaks.append((counts, shown, found))
    assert leaks[:3] == []


# --- through the API and the pages: the two leaks found ------------------------------------------

AFRICA = {"region": "Africa", "country": "Kenya"}


def _text(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8-sig")


def _api(evaluation, path: str) -> str:
    return f"/api/v1/evaluations/{evaluation.slug}/reports/{path}"


@pytest.mark.django_db
def test_a_viewer_sees_no_total_under_a_single_hidden_group(
    api_client, client, evaluation, team
) -> None:
    """Everyone invited is in Africa, three answered: Africa is hidden, and so are the Total's
    respondents (they were Africa's); the lead's unsuppressed view still shows them."""
    responses = [{"attributes": AFRICA, "answers": {"C1": "4"}}] * 3
    responses += [{"attributes": AFRICA, "status": "invited", "name": f"Silent {n}"} for n in "ab"]
    staff_survey(evaluation, responses)
    api_client.force_authenticate(team["viewer"].user)

    (rates,) = api_client.get(_api(evaluation, "rates/")).json()
    client.force_login(team["viewer"].user)
    page = client.get(reverse("reports:rates", args=[evaluation.slug]))
    csv = client.get(reverse("reports:rates_csv", args=[evaluation.slug]))

    shown = [(row["label"], row["invited"], row["responded"]) for row in rates["rows"]]
    assert shown == [("Africa", 5, None), ("Total", 5, None)]
    assert all(rates["rows"][-1][name] is None for name in ("submitted_online", "started"))
    total = page.content.decode().split('<tr class="total">')[1].split("</tr>")[0]
    assert page.status_code == 200 and ">3<" not in total and "&lt;5" in total
    table = [line.split(",") for line in _text(csv).splitlines()]
    assert [line for line in table if line[0] in ("Africa", "Total")] == [
        ["Africa", "5", "0", *["<5"] * 7],
        ["Total", "5", "0", *["<5"] * 7],
    ]
    assert ",3," not in _text(csv)
    api_client.force_authenticate(team["lead"].user)
    lead = api_client.get(_api(evaluation, "rates/"), {"unsuppressed": "true"}).json()[0]
    assert lead["rows"][-1]["responded"] == 3


@pytest.mark.django_db
def test_a_likert_row_answered_only_outside_the_scale_by_one_is_hidden(
    api_client, client, evaluation, team
) -> None:
    """Q1 has n = 0 and one "N/A": the overall row is hidden, not "N/A: 1 (100%)"."""
    responses = [{"answers": {"Q1": "na", "Q2": "4"}}]
    responses += [{"answers": {"Q2": "4"}}] * 6
    distribution = outside_survey(evaluation, responses)
    api_client.force_authenticate(team["viewer"].user)

    tables = api_client.get(_api(evaluation, "likert/"), {"distribution": distribution.pk}).json()
    client.force_login(team["viewer"].user)
    csv = client.get(
        reverse("reports:likert_csv", args=[evaluation.slug]), {"distribution": distribution.pk}
    )

    (q1,) = [row for row in tables[0]["rows"] if row["question_key"] == "Q1"]
    assert q1["n"] is None
    assert [(o["count"], o["percent"]) for o in q1["outside"]] == [(None, None), (None, None)]
    line = next(line for line in _text(csv).splitlines() if "Statement one" in line)
    assert line.endswith("<5,<5,<5,<5") and "100" not in line
    api_client.force_authenticate(team["lead"].user)
    lead = api_client.get(
        _api(evaluation, "likert/"), {"distribution": distribution.pk, "unsuppressed": "true"}
    ).json()
    (q1,) = [row for row in lead[0]["rows"] if row["question_key"] == "Q1"]
    assert [o["count"] for o in q1["outside"]] == [0, 1]


@pytest.mark.django_db
def test_a_viewer_sees_no_small_count_per_country_or_channel(
    api_client, client, evaluation, team
) -> None:
    """Kenya: 7 answered online; Ghana: 2 answered, one of them by phone; Peru: 1 invited, no
    answer. A viewer sees Kenya's count and Peru's zero; Ghana's count is hidden and so is one
    more country's (it would be the Total minus the rest), and the phone channel's 1 with
    another channel; the lead's unsuppressed view shows them all."""
    ghana = {"region": "Africa", "country": "Ghana"}
    responses = [{"attributes": AFRICA, "answers": {"C1": "4"}}] * 7
    responses += [{"attributes": ghana, "answers": {"C1": "3"}}]
    responses += [{"attributes": ghana, "answers": {"C1": "2"}, "channel": "phone"}]
    responses += [{"attributes": {"region": "Americas", "country": "Peru"}, "status": "invited"}]
    staff_survey(evaluation, responses)
    api_client.force_authenticate(team["viewer"].user)

    (rates,) = api_client.get(_api(evaluation, "rates/")).json()
    client.force_login(team["viewer"].user)
    page = client.get(reverse("reports:rates", args=[evaluation.slug])).content.decode()

    counts = {row["country"]: row["responded_recipients"] for row in rates["rollup"]["rows"]}
    assert counts == {"Ghana": None, "Kenya": None, "Peru": 0}
    assert rates["channels"] == {"web": None, "email": 0, "phone": None, "paper": 0, "open": 0}
    assert "Phone interview &lt;5" in page and "Phone interview 1" not in page
    api_client.force_authenticate(team["lead"].user)
    (lead,) = api_client.get(_api(evaluation, "rates/"), {"unsuppressed": "true"}).json()
    counts = {row["country"]: row["responded_recipients"] for row in lead["rollup"]["rows"]}
    assert counts == {"Ghana": 2, "Kenya": 7, "Peru": 0}
    assert lead["channels"]["phone"] == 1


@pytest.mark.django_db
def test_a_viewer_sees_no_small_questionnaire_count_in_the_coverage_plan(
    api_client, client, evaluation, team
) -> None:
    """Two workers in Kenya returned the questionnaire the plan counts: a viewer's coverage
    (API and CSV) shows "<5" and no gap, not 2 reached; the lead sees 2."""
    interview_services.coverage_target_set(
        evaluation=evaluation, by=team["lead"].user, stakeholder_group=group("workers"),
        method="questionnaire", planned=6, country=country("KE"),
    )  # fmt: skip
    workers = {"stakeholder_group": group("workers").name, "country": "Kenya"}
    staff_survey(evaluation, [{"attributes": workers, "answers": {"C1": "4"}}] * 2)
    url = f"/api/v1/evaluations/{evaluation.slug}/coverage/"
    api_client.force_authenticate(team["viewer"].user)

    (cell,) = api_client.get(url).json()
    client.force_login(team["viewer"].user)
    csv = client.get(reverse("interviews:coverage_csv", args=[evaluation.slug]))
    page = client.get(reverse("interviews:coverage", args=[evaluation.slug])).content.decode()

    assert (cell["planned"], cell["reached"], cell["gap"]) == (6, None, None)
    line = _text(csv).splitlines()[1].split(",")
    assert line[-3:] == ["6", "<5", ""]
    assert "&lt;5 / 6" in page and "2 / 6" not in page and "4 to go" not in page
    api_client.force_authenticate(team["lead"].user)
    (cell,) = api_client.get(url).json()
    assert (cell["planned"], cell["reached"], cell["gap"]) == (6, 2, 4)


@pytest.mark.django_db
def test_the_total_hides_when_a_country_hidden_alone_would_be_it(api_client, evaluation, team):
    """Everyone is in Kenya; three answered, from two regions: both regions are hidden and
    the Total could stand (two hidden groups), but Kenya, hidden alone in the roll-up, would
    be the Total: so the Total hides too."""
    responses = [{"attributes": AFRICA, "answers": {"C1": "4"}}] * 2
    responses += [{"attributes": {"region": "Europe", "country": "Kenya"}, "answers": {"C1": "3"}}]
    responses += [{"attributes": AFRICA, "status": "invited", "name": "Silent"}]
    staff_survey(evaluation, responses)
    api_client.force_authenticate(team["viewer"].user)

    (rates,) = api_client.get(_api(evaluation, "rates/")).json()

    assert [row["responded_recipients"] for row in rates["rollup"]["rows"]] == [None]
    assert rates["rows"][-1]["label"] == "Total" and rates["rows"][-1]["responded"] is None
