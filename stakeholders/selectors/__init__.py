"""Reads on the registry, one module per topic: finding a country, group, organisation or
person from what people typed, searching and showing the registry, and proposing people who
may be the same. Other apps and the tests import from this package (the interviews app
registers its person history reader here), code inside the app from the module."""

from stakeholders.selectors.duplicates import (
    DuplicatePair,
    PersonCandidate,
    duplicate_pairs,
    duplicate_pairs_load,
    person_duplicates,
)
from stakeholders.selectors.groups import group_find, group_list
from stakeholders.selectors.matching import Candidate, people_exact, person_candidates
from stakeholders.selectors.merges import (
    PERSON_LINKS,
    PersonLink,
    merge_conflicts,
    merge_list,
    merge_preview,
    person_final,
    person_merges,
    shared_label,
)
from stakeholders.selectors.organisations import organisation_find, organisation_list
from stakeholders.selectors.people import (
    PersonHistory,
    Ref,
    current_affiliation,
    people_group_counts,
    people_search,
    person_evaluations,
    person_get,
    person_history_register,
)
from stakeholders.selectors.places import country_find, country_list, office_list

__all__ = [
    "PERSON_LINKS",
    "Candidate",
    "DuplicatePair",
    "PersonCandidate",
    "PersonHistory",
    "PersonLink",
    "Ref",
    "country_find",
    "country_list",
    "current_affiliation",
    "duplicate_pairs",
    "duplicate_pairs_load",
    "group_find",
    "group_list",
    "merge_conflicts",
    "merge_list",
    "merge_preview",
    "office_list",
    "organisation_find",
    "organisation_list",
    "people_exact",
    "people_group_counts",
    "people_search",
    "person_candidates",
    "person_duplicates",
    "person_evaluations",
    "person_final",
    "person_get",
    "person_history_register",
    "person_merges",
    "shared_label",
]
