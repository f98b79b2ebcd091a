"""gunicorn settings shipped with the image and the compose file (--config gunicorn.conf.py).

The access log is gunicorn's usual combined format, but through a logger that prints
"/r/[link]/" where a personal link's token was (request line, path, query, referrer)."""

import os

logger_class = "survey_site.access_log.RedactingLogger"
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s"'

# The slowest request we allow is an import run in the request (people, interviews,
# recipients): a spreadsheet of up to SPREADSHEET_MAX_MB (5 MB) and SPREADSHEET_MAX_ROWS
# (20,000 rows) is uploaded, checked row by row with duplicate matching, and stored in one
# transaction. gunicorn's 30-second default would kill such a worker half way (the import rolls
# back and the user sees a 502), so a worker gets three minutes. Everything slower runs in
# Celery (exports), not in a request.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "180"))
# On SIGTERM (a deploy, `docker compose stop`) a worker finishes the request it is serving for
# this long before it is killed; compose's stop_grace_period for web is longer than this.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "60"))
