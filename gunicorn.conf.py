"""gunicorn settings shipped with the image and the compose file (--config gunicorn.conf.py).

The access log is gunicorn's usual combined format, but through a logger that prints
"/r/[link]/" where a personal link's token was (request line, path, query, referrer)."""

logger_class = "survey_site.access_log.RedactingLogger"
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s"'
