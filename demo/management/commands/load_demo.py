from __future__ import annotations

from django.core.management.base import BaseCommand

from demo.loader import demo_load


class Command(BaseCommand):
    help = (
        "Load the fictional demo evaluation and its users (seeds/demo/). Safe to run again: "
        "nothing is duplicated. Prints the demo logins."
    )

    def handle(self, *args: object, **options: object) -> None:
        logins = demo_load()
        self.stdout.write("Demo logins (e-mail / password / role):")
        for login in logins:
            self.stdout.write(f"  {login.email:<30} {login.password:<16} {login.roles}")
