import time

from django.core.management.base import BaseCommand, CommandError

from tisheng.roster.demo import DEMO_LOGINS, DEMO_PASSWORD, build_demo
from tisheng.roster.models import District


class Command(BaseCommand):
    help = "Build the demo district (青山区) into an empty database and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--students", type=int, default=10_000, help="about how many pupils (default 10000)")
        parser.add_argument("--seed", type=int, default=20261122)
        parser.add_argument("--if-empty", action="store_true", help="do nothing when a district already exists")
        parser.add_argument("--logins", action="store_true", help="only print the demo logins")

    def handle(self, *args, students, seed, if_empty, logins, **options):
        if logins:
            return self.print_logins()
        if District.objects.exists():
            if if_empty:
                self.stdout.write("The database already holds a district; demo not rebuilt.")
                return
            raise CommandError("The database already holds a district. Use a fresh database for the demo.")
        started = time.monotonic()
        demo = build_demo(students=students, seed=seed)
        counts = ", ".join(f"{k} {v}" for k, v in demo.counts.items())
        self.stdout.write(self.style.SUCCESS(f"Demo district {demo.district} built in {time.monotonic() - started:.1f} s: {counts}"))
        # Each domain adds its part of the loop to the same district: homework, the five managements, fitness, exams.
        for label, build in self.domain_demos(demo):
            started = time.monotonic()
            result = build()
            self.stdout.write(f"  {label}: {result} ({time.monotonic() - started:.1f} s)")
        self.print_logins()

    @staticmethod
    def domain_demos(demo):
        from tisheng.assessments.demo import build_assessment_demo
        from tisheng.evaluation.demo import build_value_added_demo
        from tisheng.health.demo import build_health_demo
        from tisheng.homework.demo import build_homework_demo
        from tisheng.wellbeing.demo import build_wellbeing_demo

        return [
            ("homework", lambda: build_homework_demo(demo.term)),
            ("sleep, activity, phones, reading", lambda: build_wellbeing_demo(demo.term)),
            ("fitness tests", lambda: build_health_demo(demo.district, demo.term)),
            ("exams (analysed) and value-added", lambda: "{} subjects with value-added".format(
                build_value_added_demo(build_assessment_demo(demo.district).assessments))),
        ]

    def print_logins(self):
        self.stdout.write(f"Password for every demo login / 所有演示账号的密码: {DEMO_PASSWORD}")
        for role, username in DEMO_LOGINS.items():
            self.stdout.write(f"  {username:<16} {role.label}")
