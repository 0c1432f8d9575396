"""``python manage.py complaint_report --month 2569-10 [--format csv|xlsx|pdf] [--output FILE] [--kind corruption]``

Writes the monthly complaint statistics per province and district (DOMAIN.md §5, due on
the 1st of the next month; ``--kind corruption`` the anti-corruption report, due on the
10th). ``--month`` takes a Buddhist-era (2569-10) or CE (2026-10) year. Without
``--output`` the file goes to the current folder under its standard name.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from saraban.complaints import reports
from saraban.core.errors import DomainError


class Command(BaseCommand):
    help = "Monthly complaint statistics per province and district (CSV, XLSX or PDF)."

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="e.g. 2569-10 (BE) or 2026-10 (CE)")
        parser.add_argument("--format", default="csv", choices=sorted(reports.FORMATS))
        parser.add_argument("--kind", default="monthly", choices=sorted(reports.KINDS))
        parser.add_argument("--output", help="file to write (default: the standard name here)")

    def handle(self, *args, month, format, kind, output=None, **options):
        try:
            first = reports.parse_month(month)
            content, _, name = reports.export_report(actor=None, month=first, fmt=format, kind=kind)
        except DomainError as exc:
            raise CommandError(exc.message) from None
        path = Path(output or name)
        path.write_bytes(content)
        self.stdout.write(f"{path} ({len(content)} bytes)")
