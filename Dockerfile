# Consulta image: one image for web (gunicorn), worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    VAR_DIR=/app/var

RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements/ requirements/
RUN pip install -r requirements/base.txt

COPY . .
# Static files and translations are built into the image; a throwaway key is enough for that.
RUN SECRET_KEY=build-only DEBUG=0 python manage.py collectstatic --noinput \
    && SECRET_KEY=build-only DEBUG=0 python manage.py compilemessages --ignore .venv \
    && useradd --create-home --uid 1000 consulta \
    && mkdir -p /app/var && chown -R consulta /app/var

USER consulta
EXPOSE 8000
CMD ["gunicorn", "survey_site.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-", "--config", "gunicorn.conf.py"]
