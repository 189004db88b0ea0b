from django.core.management.base import BaseCommand

from tisheng.retention import remove_old_files


class Command(BaseCommand):
    help = "Remove uploaded files and made reports older than TISHENG_FILE_DAYS days (tisheng/retention.py)."

    def handle(self, *args, **options):
        removed = remove_old_files()
        self.stdout.write(", ".join(f"{what}: {count}" for what, count in removed.items()))
