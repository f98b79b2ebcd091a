"""Name normalisation and similarity: the matching key, parsing typed names, proposals."""

from __future__ import annotations

import pytest

from common.names import (
    LIKELY,
    brackets,
    fold,
    normalise,
    normalise_text,
    parse_name,
    similarity,
)


def test_near_spellings_are_proposed_and_different_people_are_not() -> None:
    score = similarity(normalise("Anna Beispiel"), normalise("Anna Biespiel"))
    assert LIKELY <= score < 100
    assert round(score, 1) == 92.3
    assert similarity(normalise("Anna Beispiel"), normalise("Anna Schmidt")) < LIKELY
    assert similarity(normalise("Mohammed Al-Rashid"), normalise("Mohamed Al Rashid")) >= LIKELY


@pytest.mark.parametrize(
    "typed",
    ["García-López", "Garcia Lopez", "GARCIA LOPEZ", "garcía  lópez.", "Garcia-Lopez"],
)
def test_accents_case_hyphens_and_stray_punctuation_give_one_key(typed: str) -> None:
    assert normalise(typed) == "garcia lopez"


def test_family_comma_given_is_read_as_given_family() -> None:
    assert normalise("Beispiel, Anna") == normalise("Anna Beispiel") == "anna beispiel"
    parsed = parse_name("GARCÍA-LÓPEZ, José")
    assert (parsed.display, parsed.given, parsed.family) == (
        "José GARCÍA-LÓPEZ",
        "José",
        "GARCÍA-LÓPEZ",
    )
    # Two commas: not a "Family, Given" name; left as typed.
    assert normalise("Smith, John, Jr") == "smith john jr"


@pytest.mark.parametrize(
    ("typed", "honorific", "display"),
    [
        ("Mr. José GARCÍA-LÓPEZ.", "Mr.", "José GARCÍA-LÓPEZ"),
        ("Dr Anna Beispiel", "Dr", "Anna Beispiel"),
        ("H. E. Kwame Mensah", "H. E.", "Kwame Mensah"),
        ("Mme Zoë Ångström", "Mme", "Zoë Ångström"),
        ("Prof. Dr. Ingrid Solberg", "Prof. Dr.", "Ingrid Solberg"),
    ],
)
def test_honorifics_leave_the_display_name_and_the_key(
    typed: str, honorific: str, display: str
) -> None:
    parsed = parse_name(typed)
    assert (parsed.honorific, parsed.display) == (honorific, display)
    assert parsed.normalised == normalise(display)
    assert "mr" not in parsed.normalised.split()


def test_a_lone_title_word_is_kept_as_a_name() -> None:
    assert normalise("Don") == "don"
    assert parse_name("Sir").display == "Sir"


def test_bracketed_markers_are_remarks_not_part_of_the_name() -> None:
    assert brackets("A. Example (2nd) [ILO]") == ["2nd", "ILO"]
    parsed = parse_name("Anna Beispiel (2nd interview)")
    assert (parsed.display, parsed.remarks) == ("Anna Beispiel", ["2nd interview"])
    assert normalise("Anna Beispiel (2nd)") == normalise("Anna Beispiel")


def test_unicode_letters_survive_in_the_display_name() -> None:
    for typed in ["Nguyễn Thị Minh Khai", "Zoë Ångström", "Łukasz Żółć", "Søren Kierkegaard"]:
        assert parse_name(typed).display == typed
    assert normalise("Nguyễn Thị Minh Khai") == "nguyen thi minh khai"
    assert normalise("Søren Ærø") == "soren aero"
    assert fold("Straße") == "strasse"


def test_word_order_does_not_change_similarity() -> None:
    assert similarity("jose garcia", "garcia jose") == 100
    assert similarity("", "anna") == 0


def test_organisation_keys_ignore_brackets_case_and_punctuation() -> None:
    assert normalise_text("Ministry of Labour (MOLISA)") == "ministry of labour"
    assert normalise_text("Employers' Organisation") == normalise_text("EMPLOYERS ORGANISATION")
