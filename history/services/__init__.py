"""Writing to the history beyond what auditlog's signals see (history/tracked.py): explicit
records (bulk writes, downloads, locks), and scrubbing an erased person out of it."""

from history.services.records import record, record_download
from history.services.scrub import scrub_person

__all__ = ["record", "record_download", "scrub_person"]
