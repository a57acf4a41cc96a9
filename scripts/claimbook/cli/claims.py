"""Command: claim (CMS-1500 forms and 837P files; the visits marked billed).

Registered on the ``cli`` group when imported; ``ClaimbookGroup`` imports this module
when the command runs. Exit codes: 0 done (visits left out are listed); 1 nothing could
be claimed, or the workbook or a request is wrong, nothing written; 2 a usage error.
"""

from __future__ import annotations

import os
import re
from datetime import date, datetime

import click

from claimbook.cli.main import cli, date_option, workbook_option
from claimbook.rules.dates import show_date, style_of
from claimbook.rules.money import dollars
from claimbook.rules.problems import BadRequest, ClaimbookError

DEFAULT_OUT = os.path.join("reports", "claims")
FORMS = ("red", "full")


@cli.command()
@workbook_option
@click.option("--appointment", "appointment_ids", multiple=True, metavar="ID",
              help="A visit to claim; repeat it, or separate IDs with commas.")
@click.option("--unbilled", is_flag=True,
              help="Every insured visit not billed yet (and not answered by its insurer).")
@click.option("--payer", "payer_id", metavar="ID", help="Only this payer's visits.")
@date_option("--from", "With --unbilled: visits on or after this date.", dest="first")
@date_option("--to", "With --unbilled: visits on or before this date.", dest="last")
@date_option("--date", "The billed date (default: today); later visits wait.", dest="day")
@click.option("--form", type=click.Choice(FORMS), default=None,
              help="CMS-1500: red (data only, for the red OCR form; the default without "
                   "--837) or full (the form drawn too, for plain paper or an upload).")
@click.option("--837", "electronic", is_flag=True,
              help="Write an 837P file per payer (with --form, the forms too).")
@click.option("--test", is_flag=True,
              help="With --837: a test file (ISA15 T); the visits are not marked billed.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=DEFAULT_OUT,
              show_default=True, help="Folder for the claim files.")
@click.option("--dry-run", is_flag=True, help="List the claims and every problem; write "
                                              "nothing.")
@click.option("--resubmit", metavar="ID", help="A billed visit's corrected (--frequency 7) "
                                               "or void (--frequency 8) claim.")
@click.option("--frequency", type=click.Choice(["7", "8"]),
              help="With --resubmit: 7 replaces the claim, 8 voids it.")
@click.option("--alignment", is_flag=True,
              help="Write the red form's alignment test page (with the Practice's offsets).")
def claim(workbook, appointment_ids, unbilled, payer_id, first, last, day, form, electronic,
          test, out_dir, dry_run, resubmit, frequency, alignment) -> None:
    """Make the claims of insured visits: CMS-1500 PDFs and 837P files; mark them billed.

    Every claim is checked before anything is written (NPIs, Tax ID, billing address,
    member ID, insured, date of birth and sex, ICD-10 codes, units, charges, the injury
    details of auto and workers' comp claims, a referring provider where the payer wants
    one); a visit that fails is listed with each problem's cell and left out, the others
    go. Units follow each payer's Units Rule. Afterwards the visits have their Billed
    Date and Claim Status "Billed", and the Claims Log sheet a row per file.

    \b
    Examples:
      claimbook claim --unbilled
      claimbook claim --unbilled --payer PREMERA --837 --form full
      claimbook claim --appointment A001290 --appointment A001291 --dry-run
      claimbook claim --resubmit A001177 --frequency 7
      claimbook claim --form red --alignment
    """
    day = day or date.today()
    if alignment:
        _alignment(workbook, form, out_dir, (unbilled, appointment_ids, resubmit, electronic))
        return
    ids = tuple(i for text in appointment_ids for i in re.split(r"[,\s]+", text) if i)
    _check_options(ids, unbilled, first, last, electronic, test, resubmit, frequency)
    from claimbook.usecases.claims import ClaimRequest

    request = ClaimRequest(day=day, appointment_ids=ids, unbilled=unbilled,
                           payer_id=payer_id.strip() if payer_id else None, first=first,
                           last=last, resubmit=resubmit.strip() if resubmit else None,
                           frequency=frequency or "1", electronic=electronic, test=test)
    form = form or (None if electronic else "red")
    _run(workbook, request, form, out_dir, dry_run)


def _check_options(ids, unbilled, first, last, electronic, test, resubmit, frequency) -> None:
    chosen = [o for o, v in (("--appointment", ids), ("--unbilled", unbilled),
                             ("--resubmit", resubmit)) if v]
    if len(chosen) != 1:
        raise click.UsageError("give one of --appointment ID, --unbilled or --resubmit ID"
                               + (f" (not {' and '.join(chosen)})" if chosen else ""))
    if bool(resubmit) != bool(frequency):
        raise click.UsageError("--resubmit ID goes with --frequency 7 (corrected) or 8 (void)")
    if (first or last) and not unbilled:
        raise click.UsageError("--from and --to go with --unbilled")
    if first and last and first > last:
        raise click.UsageError(f"--from {first} is after --to {last}")
    if test and not electronic:
        raise click.UsageError("--test goes with --837")


def _read(workbook: str, request):
    from claimbook.io.xlsx.claims_log import read_claims_log
    from claimbook.io.xlsx.desk_reader import Selection, read_desk
    from claimbook.io.xlsx.safe import take_snapshot

    snapshot = take_snapshot(workbook)
    wanted = request.appointment_ids or ((request.resubmit,) if request.resubmit else ())
    book, layouts = read_desk(snapshot.data, workbook, Selection(visits=frozenset(wanted)))
    return snapshot, book, layouts, read_claims_log(snapshot.data, workbook)


def _run(workbook: str, request, form: str | None, out_dir: str, dry_run: bool) -> None:
    from claimbook.usecases.claims import plan_claims

    snapshot, book, layouts, log = _read(workbook, request)
    if request.payer_id and request.payer_id not in book.payers:
        raise BadRequest(f'no payer "{request.payer_id}" on Payers')
    run = plan_claims(book, request)
    for message in run.warnings:
        click.echo(f"Warning: {message}", err=True)
    _list_left_out(run)
    if dry_run:
        _list_claims(run, book)
        return
    if not run.claims:
        left = len(run.left_out) + len(run.voided)
        if left:
            raise ClaimbookError(f"nothing claimed: {left} visit"
                                 f"{'s' if left > 1 else ''} left out")
        click.echo("No visits to claim.")
        return
    files = _write_files(run, book, request, form, out_dir, log)
    _mark_billed(snapshot, book, layouts, request, files)


def _list_left_out(run) -> None:
    for appointment_id, why in run.voided:
        click.echo(f"Left out {appointment_id}: {why}")
    for appointment_id, problems in run.left_out:
        click.echo(f"Left out {appointment_id}:")
        for problem in problems:
            click.echo(f"  {problem}")


def _list_claims(run, book) -> None:
    from claimbook.usecases.claims import claim_summary

    for payer_id, claims in run.by_payer(list(book.payers)).items():
        total = sum(c.total for c in claims)
        click.echo(f"{book.payers[payer_id].name} ({payer_id}): {len(claims)} claim"
                   f"{'s' if len(claims) > 1 else ''}, {dollars(total)}")
        for claim in claims:
            click.echo(f"  {claim_summary(claim, run.date_style)}")
    n = len(run.claims)
    click.echo(f"Would claim {n} visit{'s' if n != 1 else ''} "
               f"({dollars(sum(c.total for c in run.claims))}); nothing written (--dry-run)")


# -- the files -------------------------------------------------------------------------------
def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-") or "payer"


def _free_path(folder: str, stem: str, ext: str, taken: set[str]) -> str:
    path, n = os.path.join(folder, stem + ext), 1
    while path in taken or os.path.exists(path):
        n += 1
        path = os.path.join(folder, f"{stem}-{n}{ext}")
    taken.add(path)
    return path


def _stem(request, payer_id: str) -> str:
    stem = f"{request.day.isoformat()}-{_safe(payer_id)}"
    if request.resubmit:
        stem += f"-{_safe(request.resubmit)}-" + ("corrected" if request.frequency == "7"
                                                  else "void")
    return stem


def _write_files(run, book, request, form, out_dir: str, log) -> list:
    """Every claim file, written under a temporary name until the workbook is written."""
    from claimbook.usecases.claims import ClaimFile, next_control_number

    os.makedirs(out_dir, exist_ok=True)
    files, taken = [], set()
    control = next_control_number(log)
    try:
        for payer_id, claims in run.by_payer(list(book.payers)).items():
            stem = _stem(request, payer_id)
            if form:
                path = _free_path(out_dir, stem, ".pdf", taken)
                pages = _pdf(claims, path, form, request.day, book.settings)
                files.append((ClaimFile(payer_id, f"CMS-1500 {form}", path, tuple(claims)),
                              f"{len(claims)} claim{'s' if len(claims) > 1 else ''} on "
                              f"{pages} form{'s' if pages > 1 else ''}"))
            if request.electronic:
                path = _free_path(out_dir, f"{stem}-{control:09d}", ".837", taken)
                _x837(claims, path, control, request, book.settings)
                files.append((ClaimFile(payer_id, "837P test" if request.test else "837P",
                                        path, tuple(claims), control),
                              f"{len(claims)} claim{'s' if len(claims) > 1 else ''}, "
                              f"control number {control:09d}"))
                control += 1
    except BaseException:
        _discard([f for f, _ in files])
        raise
    return files


def _pdf(claims, path: str, form: str, day: date, settings) -> int:
    from claimbook.io.cms1500 import claims_pdf

    offsets = (settings.form_left_offset or 0, settings.form_top_offset or 0)
    return claims_pdf(claims, path + ".part", form, day, offsets)


def _x837(claims, path: str, control: int, request, settings) -> None:
    from claimbook.io.x12.x837 import Envelope, interchange

    now = datetime.now()
    envelope = Envelope(
        submitter_id=settings.submitter_id, receiver_id=settings.receiver_id,
        submitter_name=settings.submitter_name or settings.practice_name,
        receiver_name=settings.receiver_name or settings.receiver_id,
        receiver_code=settings.receiver_code or settings.receiver_id,
        contact_phone=re.sub(r"\D", "", settings.phone or "")[:10], control_number=control,
        created=datetime.combine(request.day, now.time().replace(microsecond=0)),
        test=request.test)
    with open(path + ".part", "w", encoding="ascii", newline="") as fh:
        fh.write(interchange(claims, envelope))


def _discard(files) -> None:
    for f in files:
        if os.path.exists(f.path + ".part"):
            os.remove(f.path + ".part")


def _mark_billed(snapshot, book, layouts, request, written: list) -> None:
    from claimbook.io.xlsx.surgery import write_changes
    from claimbook.usecases.claims import claim_changes

    files = [f for f, _ in written]
    changes = claim_changes(request, files)
    try:
        keep = book.settings.backups_to_keep
        done = write_changes(snapshot, layouts, changes, 10 if keep is None else keep)
    except BaseException:
        _discard(files)
        raise
    for f, what in written:
        os.replace(f.path + ".part", f.path)
        click.echo(f"{f.path}: {what}, {dollars(sum(c.total for c in f.claims))}")
    for sheet in done.added_sheets:
        click.echo(f"{book.path}: added the sheet \"{sheet}\"")
    for column in done.added_columns:
        click.echo(str(column))
    _report_marks(request, files, style_of(book.settings))


def _report_marks(request, files, style: str) -> None:
    from claimbook.usecases.claims import STATUS_AFTER

    visits = list(dict.fromkeys(c.appointment_id for f in files for c in f.claims))
    n = len(visits)
    if request.test:
        click.echo(f"Test file: {n} visit{'s' if n != 1 else ''} not marked billed; "
                   "Claims Log updated")
    elif request.resubmit:
        click.echo(f"{visits[0]}: Claim Status \"{STATUS_AFTER[request.frequency]}\"; "
                   "Claims Log updated")
    else:
        click.echo(f"Billed {n} visit{'s' if n != 1 else ''} on "
                   f"{show_date(request.day, style)}: Billed Date and Claim Status "
                   '"Billed"; Claims Log updated')


def _alignment(workbook: str, form: str | None, out_dir: str, selection) -> None:
    if form == "full" or any(selection):
        raise click.UsageError("--alignment prints the red form's test page on its own "
                               "(--form red --alignment)")
    from claimbook.io.cms1500 import alignment_pdf
    from claimbook.io.xlsx.reader import open_sheets, open_workbook

    settings, _, _ = open_sheets(open_workbook(workbook))
    offsets = (settings.form_left_offset or 0, settings.form_top_offset or 0)
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, "cms1500-alignment.pdf")
    alignment_pdf(path, offsets)
    click.echo(f"{path}: print it on a red CMS-1500 (Form Left Offset {offsets[0]}, "
               f"Form Top Offset {offsets[1]})")
