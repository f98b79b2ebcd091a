"""Run every bench/bench_*.py module on a throwaway database and print ratios.

Each module exposes `run(*, smoke: bool = False) -> list[Result]`. Timings are medians of
repeated runs; what is compared is the ratio to a baseline measured in the same process, never
absolute seconds. `python -m bench` runs the real sizes and exits 1 when a ratio is over its
target; `python -m bench --smoke` runs every module at tiny sizes (seconds), prints the same
lines with their targets but does not enforce them: it exits 1 only when a bench crashed.
Either way a module that crashes is reported with its traceback and the others still run.

The runner works as it is with DEBUG=0 or DEBUG=1; nothing has to be set by hand:

- without SECRET_KEY in the environment it uses a bench-only key (the database is thrown away
  at the end, so nothing signed with it outlives the run);
- static files use Django's plain storage, as the tests do: the manifest storage of DEBUG=0
  needs `collectstatic` first, and what is measured are queries, not static file names;
- Celery tasks run in-process (CELERY_TASK_ALWAYS_EAGER=1) unless the environment says
  otherwise, so no bench message lands in a real queue for a worker to pick up;
- on PostgreSQL the throwaway database is `test_<name>_bench`, so a bench never drops the
  database of a test run going on beside it (on SQLite it is in memory).
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import secrets
import sys
import traceback

BENCH_SECRET_KEY = secrets.token_urlsafe(50)  # one per run; the database is thrown away


def configure() -> None:
    """Settings for a bench run, whatever DEBUG is (see the module docstring)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "survey_site.settings")
    if not os.environ.get("SECRET_KEY"):
        os.environ["SECRET_KEY"] = BENCH_SECRET_KEY
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "1")
    from django.conf import settings

    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.sqlite3":
        test = database.setdefault("TEST", {})
        test.setdefault("NAME", f"test_{database['NAME']}_bench")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--smoke", action="store_true", help="tiny sizes, targets printed but not enforced"
    )
    args = parser.parse_args(argv)
    configure()
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    failed = False
    try:
        for info in pkgutil.iter_modules([os.path.dirname(__file__)]):
            if not info.name.startswith("bench_"):
                continue
            try:
                module = importlib.import_module(f"bench.{info.name}")
                results = module.run(smoke=args.smoke)
            except Exception:
                print(f"bench.{info.name} crashed:", file=sys.stderr)
                traceback.print_exc()
                failed = True
                continue
            for result in results:
                print(result.line(enforced=not args.smoke))
                failed |= not (result.ok or args.smoke)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
