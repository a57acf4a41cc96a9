"""Helpers shared by test modules (test modules never import each other)."""

from __future__ import annotations


def all_commands() -> list[str]:
    """Every command, the lazily loaded ones included."""
    import click

    from claimbook.cli.main import cli

    with click.Context(cli) as ctx:
        return cli.list_commands(ctx)
