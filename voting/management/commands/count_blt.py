"""`manage.py count_blt FILE [--seats N]`: count a BLT ballot file by the project's STV rules,
to check the count against published elections or another program's recount."""

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.core.management.base import BaseCommand, CommandError

from voting.blt import BltError, parse_blt
from voting.stv import StvError


def votes(value: Fraction) -> str:
    """Exact votes shown to five decimal places, as Scottish counts publish them."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return str(exact.quantize(Decimal("0.00001"), rounding=ROUND_HALF_UP))


class Command(BaseCommand):
    help = ("Count a BLT ballot file by single transferable vote (Scottish STV rules, exact "
            "fractions) and print the quota, each stage and who was elected.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="The BLT file to count")
        parser.add_argument("--seats", type=int, default=None,
                            help="Seats to fill (default: the number the file gives)")

    def handle(self, *args, file, seats, **options):
        try:
            with open(file, encoding="utf-8-sig") as handle:
                election = parse_blt(handle.read())
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        except UnicodeDecodeError:
            raise CommandError(f"{file} is not a UTF-8 text file.") from None
        except BltError as error:
            raise CommandError(f"{file}: {error}") from None
        if seats is not None and seats < 1:
            raise CommandError("--seats must be at least 1.")
        try:
            result = election.count(seats)
        except StvError as error:
            raise CommandError(f"{file}: {error}") from None
        self.report(election, result)

    def report(self, election, result):
        out = self.stdout.write
        if election.title:
            out(election.title)
        out(f"Rules: {result.rules}")
        out(f"Seats: {result.seats}   Valid votes: {result.valid_votes}   "
            f"Quota: {votes(result.quota)}")
        width = max(len(name) for name in result.names.values()) + 2
        for stage in result.stages:
            out("")
            out(f"Stage {stage.number}: {result.describe(stage)}")
            for candidate in result.candidates:
                out(f"  {result.names[candidate]:<{width}}{votes(stage.totals[candidate]):>16}")
            out(f"  {'Non-transferable':<{width}}{votes(stage.non_transferable):>16}")
        out("")
        out("Elected, in order:")
        for place, candidate in enumerate(result.elected, start=1):
            out(f"  {place}. {result.names[candidate]}")
        if not result.elected:
            out("  nobody (there were no valid votes)")
        if result.ties_broken_by_lot:
            out(f"Ties broken by lot: {len(result.ties_broken_by_lot)} (see the stages above).")
