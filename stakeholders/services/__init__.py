"""Writes on the registry, one module per topic. Every door (pages, API, importer, commands)
comes through here; other apps and the tests import from this package, code inside the app
from the module."""

from stakeholders.services.checks import clean_emails, clean_phones
from stakeholders.services.groups import group_create, group_delete, group_move, group_update
from stakeholders.services.merges import (
    MERGE_FILLS,
    not_duplicate_add,
    person_merge,
    person_merge_undo,
)
from stakeholders.services.organisations import organisation_create, organisation_update
from stakeholders.services.people import (
    affiliation_add,
    affiliation_end,
    affiliation_update,
    person_alias_add,
    person_create,
    person_update,
    tags_get_or_create,
)
from stakeholders.services.places import country_update, office_create, office_update

__all__ = [
    "MERGE_FILLS",
    "affiliation_add",
    "affiliation_end",
    "affiliation_update",
    "clean_emails",
    "clean_phones",
    "country_update",
    "group_create",
    "group_delete",
    "group_move",
    "group_update",
    "not_duplicate_add",
    "office_create",
    "office_update",
    "organisation_create",
    "organisation_update",
    "person_alias_add",
    "person_create",
    "person_merge",
    "person_merge_undo",
    "person_update",
    "tags_get_or_create",
]
