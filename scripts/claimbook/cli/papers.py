"""What the receipt and statement commands share: refusing with every problem, progress
bars, file names that never collide, the Email Log, and delivering one email per client.

Not a command module: it registers no command.
"""

from __future__ import annotations

import os

import click

from claimbook.rules.problems import ClaimbookError, Problem, in_order


def refuse(problems: list[Problem], what: str = "receipt") -> None:
    """Every problem on its own line, then one error; nothing has been written."""
    problems = in_order(problems)
    if len(problems) == 1:
        raise ClaimbookError(f"{problems[0]}; no {what} was written")
    for problem in problems:
        click.echo(str(problem), err=True)
    raise ClaimbookError(f"{len(problems)} problems; no {what} was written")


def progress(total: int, what: str):
    """A progress bar on a terminal's stderr (none for a single item, none in a file)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    console = Console(stderr=True)
    return Progress(TextColumn(what), BarColumn(), MofNCompleteColumn(), console=console,
                    disable=total < 2 or not console.is_terminal, transient=True)


def unique_stems(stems: list[str]) -> None:
    """Refuse a batch where two files would be one on a disk that ignores case."""
    seen: dict[str, str] = {}
    for stem in stems:
        other = seen.setdefault(stem.casefold(), stem)
        if other != stem or stems.count(stem) > 1:
            raise ClaimbookError(f'"{other}" and "{stem}" would be the same file on a disk '
                                 "that ignores case; nothing was written")


def write_papers(papers: list, out_dir: str, what: str, workbook_of, pdf_of) -> list[bytes]:
    """Write each paper's workbook (``workbook_of(paper, path)``) and PDF (``pdf_of(paper)``)
    as ``out_dir/<file stem>.xlsx|.pdf``, with a progress bar ("Writing receipts"), then
    print their paths; returns the PDFs' bytes, as built (for the emails). Every PDF is
    made before any file is written: one that cannot be made leaves nothing behind."""
    from claimbook.io.pdf_kit import save_pdf

    unique_stems([p.file_stem for p in papers])
    with progress(len(papers), f"Writing {what}") as bar:
        task = bar.add_task("write", total=2 * len(papers))
        pdfs = []
        for paper in papers:
            pdfs.append(pdf_of(paper))
            bar.advance(task)
        for paper, pdf in zip(papers, pdfs):
            base = os.path.join(out_dir, paper.file_stem)
            workbook_of(paper, base + ".xlsx")
            save_pdf(pdf, base + ".pdf")
            bar.advance(task)
    for paper in papers:
        base = os.path.join(out_dir, paper.file_stem)
        click.echo(base + ".xlsx")
        click.echo(base + ".pdf")
    return pdfs


class EmailLog:
    """The Email Log beside the workbook: its rows, and a way to add more."""

    def __init__(self, workbook: str):
        from claimbook.io.xlsx.paper_logs import EMAIL_LOG, log_path, read_email_log
        from claimbook.io.xlsx.safe import refuse_if_open

        self.path = log_path(workbook, EMAIL_LOG)
        refuse_if_open(self.path)  # before anything is sent, not after
        self.entries = read_email_log(self.path)

    def record(self, entries) -> None:
        from claimbook.io.xlsx.paper_logs import write_email_log

        self.entries += entries
        write_email_log(self.path, self.entries)


def deliver(book, jobs: list, log: EmailLog, eml_dir: str | None, what: str) -> list:
    """Send the emails (or write them as .eml drafts with ``eml_dir``), print what
    happened, and record it in the Email Log; returns the outcomes (see
    :func:`stop_if_not_sent`)."""
    from claimbook.io.mail import (
        DRAFT,
        SENT,
        Outcome,
        compose,
        log_entries,
        mail_settings,
        send_all,
        sender_of,
        write_eml,
    )

    practice = book.settings.practice_name or ""
    if eml_dir:
        sender, _ = sender_of(book)
        outcomes = []
        for job in jobs:
            path = write_eml(compose(job, sender, practice),
                             os.path.join(eml_dir, job.name + ".eml"))
            log.record(log_entries(job, DRAFT, path))
            outcomes.append(Outcome(job, DRAFT, path))
            click.echo(path)
        return outcomes
    settings, _ = mail_settings(book)
    with progress(len(jobs), f"Emailing {what}") as bar:
        task = bar.add_task("send", total=len(jobs))
        outcomes = send_all(jobs, settings, practice, log.record,
                            step=lambda: bar.advance(task))
    for o in outcomes:
        numbers = ", ".join(a.number for a in o.job.attachments)
        if o.status == SENT:
            click.echo(f"sent {numbers} to {o.detail}")
        else:
            click.echo(f"not sent {numbers}: {o.detail}", err=True)
    return outcomes


def stop_if_not_sent(outcomes: list, log: EmailLog) -> None:
    """One error when any email was not sent (each was reported and recorded)."""
    from claimbook.io.mail import NOT_SENT

    failed = [o for o in outcomes if o.status == NOT_SENT]
    if failed:
        raise ClaimbookError(f"{len(failed)} of {len(outcomes)} emails not sent "
                             f"({failed[0].detail}); recorded in {log.path}")
