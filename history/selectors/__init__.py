"""Reading the history: who may read which entries (access), the entries of a page or of an
evaluation's activity (entries), and the entries in words (rendering)."""

from history.selectors.access import (
    can_view_history,
    ensure_history,
    ensure_registry_history,
)
from history.selectors.entries import (
    ActivityFilter,
    distribution_history,
    evaluation_activity,
    former_actors,
    history_subject,
    interview_history,
    kind_choices,
    person_history,
    version_history,
    version_of,
)
from history.selectors.rendering import Change, EntryRow, entry_rows

__all__ = [
    "ActivityFilter",
    "Change",
    "EntryRow",
    "can_view_history",
    "distribution_history",
    "ensure_history",
    "ensure_registry_history",
    "entry_rows",
    "evaluation_activity",
    "former_actors",
    "history_subject",
    "interview_history",
    "kind_choices",
    "person_history",
    "version_history",
    "version_of",
]
