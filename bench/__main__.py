"""Run every bench/bench_*.py module on a throwaway database and print ratios.

Each module exposes `run() -> list[Result]`. Timings are medians of repeated runs; what is
compared is the ratio to a baseline measured in the same process, never absolute seconds.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "survey_site.settings")
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
            module = importlib.import_module(f"bench.{info.name}")
            for result in module.run():
                print(result.line())
                failed |= not result.ok
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
