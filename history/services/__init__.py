"""Writing to the history beyond what auditlog's signals see (history/tracked.py): explicit
records (bulk writes, downloads, locks), and scrubbing an erased person out of it."""

from history.services.records import record, record_download
from history.services.scrub import scrub_person
from history.services.switches import lock_switch, reason_given

__all__ = ["lock_switch", "reason_given", "record", "record_download", "scrub_person"]
