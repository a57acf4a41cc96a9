"""claimbook's command line: thin commands over the library.

Each command parses its options, calls one library function, writes, and prints.
Errors the user can fix are :class:`ClaimbookError`; they print as one line
(``Error: Payments!F14: "12O.00" is not an amount``) and exit 1, with no traceback.
"""

from __future__ import annotations

import functools
import gc
import importlib
import json
import os
import sys
from datetime import date

import click

from claimbook.compute.balances import balances as compute_balances
from claimbook.compute.ledger import BadMonth, Month
from claimbook.rules.money import dollars, fmt
from claimbook.rules.problems import ClaimbookError, in_order

DEFAULT_WORKBOOK = os.path.join("workbooks", "practice.xlsx")


class ClaimbookGroup(click.Group):
    """A group whose commands turn :class:`ClaimbookError` into a one-line error.

    The commands of the other areas live in their own modules, imported only when one
    of their commands runs (or help lists them): ``claimbook report`` does not pay for
    loading the desk, receipt and handoff code.
    """

    LAZY = {"checkout": "desk", "pay": "desk", "remind": "desk",
            "today": "desk", "receipt": "receipts", "handoff": "handoff",
            "void": "corrections", "history": "history", "import": "importer",
            "claim": "claims", "era": "era", "statement": "statements"}

    def list_commands(self, ctx) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(self.LAZY))

    def get_command(self, ctx, name: str):
        if name in self.LAZY and name not in self.commands:
            importlib.import_module(f"{__package__}.{self.LAZY[name]}")  # registers it
        return super().get_command(ctx, name)

    def invoke(self, ctx):
        # A command reads a workbook into millions of small objects with no reference
        # cycles; the cyclic garbage collector would walk them again and again (a third
        # of a 100,000-line report). It rests while the command runs.
        gc.disable()
        try:
            return super().invoke(ctx)
        except ClaimbookError as exc:
            raise click.ClickException(str(exc)) from None
        except BadMonth as exc:
            raise click.UsageError(str(exc)) from None
        except OSError as exc:  # a disk full, a read-only folder ...: one line, no traceback
            from claimbook.io.xlsx.safe import os_problem

            raise click.ClickException(str(os_problem(exc, f"running {ctx.invoked_subcommand}"))
                                       ) from None
        finally:
            gc.enable()


@click.group(cls=ClaimbookGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="claimbook")
def cli() -> None:
    """claimbook: insurance billing for a massage practice, kept in its Excel workbook.

    \b
    Start with:
      claimbook init -w workbooks/practice.xlsx      a new, empty practice workbook
      claimbook check -w workbooks/practice.xlsx     every problem in it, at once
      claimbook report --month 2026-10               the monthly outstanding balances
    """


def workbook_option(func):
    """``--workbook/-w``: $CLAIMBOOK_WORKBOOK, else workbooks/practice.xlsx."""
    return click.option(
        "--workbook", "-w", "workbook", type=click.Path(dir_okay=False),
        default=lambda: os.environ.get("CLAIMBOOK_WORKBOOK") or DEFAULT_WORKBOOK,
        show_default="$CLAIMBOOK_WORKBOOK, else workbooks/practice.xlsx",
        help="The practice workbook.")(func)


def format_option(*choices: str):
    def decorate(func):
        return click.option("--format", "output_format", type=click.Choice(choices),
                            default=choices[0], show_default=True,
                            help="How to print the result.")(func)
    return decorate


def _parse_date(ctx, param, value):
    if value is None:
        return None
    from claimbook.io.xlsx.cells import CellError, day

    try:  # the years a cell may hold are checked where a date is read or written
        return day(value, plausible=False)
    except CellError:
        raise click.BadParameter(f'"{value}" is not a date; give it as YYYY-MM-DD') from None


def date_option(name: str, help_text: str, dest: str | None = None, **kwargs):
    """A date option that takes any date the workbook takes (``2026-11-02``,
    ``11/02/2026``); ``dest`` names its parameter when the option's name cannot."""
    decls = (name, dest) if dest else (name,)
    return click.option(*decls, callback=_parse_date, metavar="DATE", help=help_text,
                        **kwargs)


def month_option(required: bool = False):
    def decorate(func):
        @click.option("--month", "month", metavar="YYYY-MM", required=required,
                      help="The month: 2026-10, 2026/10 or \"Oct 2026\" (default: last month).")
        @functools.wraps(func)
        def wrapper(*args, month, **kwargs):
            parsed = Month.parse(month) if month else Month.of(date.today()).previous()
            return func(*args, month=parsed, **kwargs)
        return wrapper
    return decorate


def load(path: str, computes: bool = True):
    """The workbook, read and checked; ``computes``: the command computes over every
    visit with pandas, imported while the big sheets parse."""
    from claimbook.compute import load_libraries
    from claimbook.io.xlsx.reader import load_book

    return load_book(path, load_libraries if computes else None)


# -- init / sample ------------------------------------------------------------------
@cli.command()
@workbook_option
@click.option("--name", "practice_name", default=None, help="The practice's name.")
def init(workbook: str, practice_name: str | None) -> None:
    """Write a new, empty practice workbook to type into.

    Every sheet is an Excel Table with dropdowns, date and money formats, the Practice
    settings pre-filled and a "How to use" sheet. It never overwrites a file.

    Without --name it asks for the practice's name (with no one to ask, it writes
    "My Massage Practice", to be changed on the Practice sheet).

    \b
    Example:
      claimbook init -w workbooks/practice.xlsx --name "Cedar & Stone Massage"
    """
    from claimbook.io.xlsx.template import write_practice_workbook

    if not workbook.lower().endswith((".xlsx", ".xlsm")):
        stem = os.path.splitext(workbook)[0] or "practice"
        raise click.UsageError(f"{workbook}: a practice workbook is an Excel .xlsx file; give "
                               f"a name ending in .xlsx (e.g. -w {stem}.xlsx)")
    if os.path.exists(workbook):
        raise ClaimbookError(f"{workbook} already exists; claimbook will not overwrite it")
    if not (practice_name or "").strip():
        practice_name = _ask_practice_name()
    write_practice_workbook(workbook, {"practice_name": practice_name.strip()},
                            commands=command_examples())
    click.echo(workbook)


PLACEHOLDER_NAME = "My Massage Practice"


def _ask_practice_name() -> str:
    if sys.stdin.isatty():
        return click.prompt("The practice's name (as on claims and receipts)", err=True)
    click.echo(f'Practice Name is "{PLACEHOLDER_NAME}": type your practice\'s name on the '
               "Practice sheet (or give --name)", err=True)
    return PLACEHOLDER_NAME


def command_examples() -> list[tuple[str, str]]:
    """Every command's first example and what it does, for the workbook's "How to use"."""
    ctx = click.Context(cli)
    out = []
    for name in cli.list_commands(ctx):
        command = cli.get_command(ctx, name)
        examples, lines = [], [ln.strip() for ln in (command.help or "").splitlines()]
        for i, text in enumerate(lines):
            if text.startswith(f"claimbook {name}"):
                while text.endswith("\\") and i + 1 < len(lines):
                    i += 1
                    text = text[:-1].rstrip() + " " + lines[i]
                examples.append(text)
        own = [e for e in examples if "sample-practice" not in e or name == "sample"]
        example = (own or examples or [f"claimbook {name}"])[0]
        out.append((example, command.get_short_help_str(limit=200).rstrip(".")))
    return out


@cli.command()
@click.option("--out", "out", type=click.Path(dir_okay=False),
              default=os.path.join("workbooks", "sample-practice.xlsx"), show_default=True,
              help="Where to write the sample workbook.")
@click.option("--lines", type=click.IntRange(1, 1_048_575), default=None,
              help="Appointments rows to make (a benchmark size); default ~150 clients.")
@click.option("--seed", type=int, default=2026, show_default=True, help="Random seed.")
@click.option("--force", is_flag=True, help="Replace the file if it exists.")
def sample(out: str, lines: int | None, seed: int, force: bool) -> None:
    """Generate the sample practice workbook, the same bytes every time.

    \b
    Example:
      claimbook sample --out workbooks/sample-practice.xlsx --force
      claimbook sample --out /tmp/big.xlsx --lines 100000
    """
    from claimbook.io.xlsx.template import write_practice_workbook
    from claimbook.usecases.sample import sample_practice

    built = sample_practice(lines=lines, seed=seed)
    write_practice_workbook(out, built.settings, built.rows, overwrite=force,
                            fast=lines is not None and lines > 50_000,
                            commands=command_examples())
    counts = ", ".join(f"{len(v)} {k}" for k, v in built.rows.items())
    click.echo(f"{out}: {counts}")
    if lines is None:  # the insurer's next payment, as an 835 to try `claimbook era` on
        from claimbook.usecases.sample_era import write_sample_remittance

        click.echo(write_sample_remittance(built, os.path.dirname(out), force))


# -- check ----------------------------------------------------------------------------
@cli.command()
@workbook_option
def check(workbook: str) -> None:
    """Read and validate the whole workbook; list every problem at once.

    Each problem names its cell as Excel shows it. Exit 1 when there is any.

    \b
    Example:
      claimbook check -w workbooks/sample-practice.xlsx
    """
    from claimbook.io.xlsx.reader import count_visits, read_book
    from claimbook.rules.validate import validate

    book, problems = read_book(workbook)
    problems = in_order(problems + validate(book))
    for problem in problems:
        click.echo(str(problem))
    if problems:
        n = len(problems)
        click.echo(f"{n} problem{'s' if n != 1 else ''} in {workbook}", err=True)
        sys.exit(1)
    click.echo(f"{workbook}: no problems ({len(book.clients)} clients, "
               f"{count_visits(book)} visits on "
               f"{len(book.lines)} lines, {len(book.payments)} payments)")


# -- balances ------------------------------------------------------------------------
BALANCE_KEYS = ("appointment_id", "date_of_service", "client_id", "client_name", "staff_id",
                "policy_id", "payer_id", "charge", "discount", "client_paid",
                "insurance_paid", "adjustments", "balance", "insurance_due", "client_due",
                "age_days", "aging_bucket", "status", "claim_status")
MONEY_KEYS = {"charge", "discount", "client_paid", "insurance_paid", "adjustments",
              "balance", "insurance_due", "client_due"}


def balance_record(item) -> dict:
    """A visit balance as the contract's JSON record (money as "60.00")."""
    out = {}
    for key in BALANCE_KEYS:
        value = getattr(item, key)
        if key in MONEY_KEYS:
            value = fmt(value)
        elif isinstance(value, date):
            value = value.isoformat()
        out[key] = value
    return out


@cli.command()
@workbook_option
@date_option("--as-of", "Balances as of this date (default: today).")
@click.option("--all", "include_paid", is_flag=True, help="Include visits with no balance.")
@click.option("--client", "clients", multiple=True, metavar="ID|NAME", help="Only this client.")
@click.option("--payer", "payers", multiple=True, metavar="ID|NAME", help="Only this payer.")
@click.option("--staff", "staff", multiple=True, metavar="ID|NAME", help="Only this therapist.")
@click.option("--status", "statuses", multiple=True, metavar="STATUS",
              help="Only this status: Unbilled, Billed, Partially Paid, Denied, Client Due ...")
@date_option("--from", "Only visits on or after this date.", dest="first")
@date_option("--to", "Only visits on or before this date.", dest="last")
@click.option("--bucket", "buckets", multiple=True, metavar="BUCKET",
              help="Only this aging bucket: 0-30, 31-60, 61-90, 91-120, 120+.")
@click.option("--due", type=click.Choice(["client", "insurance"], case_sensitive=False),
              help="Only visits with money due from the client, or from insurance.")
@format_option("table", "json", "csv")
def balances(workbook, as_of, include_paid, clients, payers, staff, statuses, first, last,
             buckets, due, output_format) -> None:
    """What each visit still owes, and from whom.

    One record per appointment with a non-zero balance (every one with --all). Clients,
    payers and therapists may be given by name; every filter may repeat.

    \b
    Examples:
      claimbook balances -w workbooks/sample-practice.xlsx
      claimbook balances --as-of 2026-06-30 --payer AETNA --format json
      claimbook balances --client C0042 --all --format csv > c0042.csv
      claimbook balances --status billed --bucket 120+ --due insurance --staff "Maya Chen"
    """
    from claimbook.compute.filters import BalanceFilter, buckets_named, select, statuses_named
    from claimbook.rules.lookup import find_client, find_payer, find_staff

    book = load(workbook)
    keep = BalanceFilter(
        statuses=statuses_named(statuses), buckets=buckets_named(buckets),
        staff=frozenset(find_staff(book, s) for s in staff),
        clients=frozenset(find_client(book, c) for c in clients),
        payers=frozenset(find_payer(book, p) for p in payers),
        first=first, last=last, due=due.lower() if due else None)
    as_of = as_of or date.today()
    if output_format == "table":
        from claimbook.cli.terminal import balances_table
        from claimbook.rules.dates import style_of

        items = select(compute_balances(book, as_of, include_paid=include_paid), keep)
        balances_table(items, as_of, book.settings.practice_name,
                       date_style=style_of(book.settings))
        return
    from claimbook.cli.listing import balances_json_chunks, columns_of, write_balances_csv

    if keep == BalanceFilter():  # every visit: straight from the columns
        from claimbook.compute.frames import frames_of
        from claimbook.compute.visit_table import balance_arrays

        columns = balance_arrays(frames_of(book), as_of, include_paid)
    else:
        items = select(compute_balances(book, as_of, include_paid=include_paid), keep)
        columns = columns_of(items, BALANCE_KEYS, MONEY_KEYS)
    if output_format == "json":
        for text in balances_json_chunks(columns, BALANCE_KEYS, MONEY_KEYS):
            sys.stdout.write(text)
        sys.stdout.write("\n")
    else:
        write_balances_csv(sys.stdout, columns, BALANCE_KEYS, MONEY_KEYS)


# -- report --------------------------------------------------------------------------
@cli.command()
@workbook_option
@month_option()
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default="reports",
              show_default=True, help="Folder for the report workbook.")
@format_option("xlsx", "json")
def report(workbook, month: Month, out_dir: str, output_format: str) -> None:
    """Write the monthly outstanding-balance workbook and print its path.

    Summary (A/R roll-forward that ties to the cent, % over 90 days, days in A/R),
    aging by payer and by client, open items, follow-up, charts; print-ready.
    With --format json, print the summary instead.

    \b
    Examples:
      claimbook report -w workbooks/sample-practice.xlsx --month 2026-10
      claimbook report --month 2026-10 --format json
    """
    from claimbook.compute.outstanding import monthly_report, summary_json

    result = monthly_report(load(workbook), month)
    if output_format == "json":
        click.echo(json.dumps(summary_json(result), indent=2))
        return
    from claimbook.io.xlsx.report import write_monthly_report

    path = os.path.join(out_dir, f"{month}-outstanding-balances.xlsx")
    write_monthly_report(result, path)
    click.echo(path)
    if not result.roll.ties:  # pragma: no cover - would be a bug in the computation
        raise ClaimbookError(f"the roll-forward is off by {dollars(result.roll.difference)}")


def main() -> None:
    """Entry point of the ``claimbook`` command.

    Every file a command writes is complete, flushed and renamed into place before the
    command returns, so the process ends at once instead of freeing a big workbook's
    millions of objects one by one (about a second for 100,000 lines).
    """
    import warnings

    warnings.filterwarnings("ignore", module="xlsxwriter")  # a user sees one line, not these
    try:
        cli.main(prog_name="claimbook")
    except SystemExit as done:
        code = done.code
        if code is not None and not isinstance(code, int):
            raise
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code or 0)

