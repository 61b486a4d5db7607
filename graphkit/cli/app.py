"""The ``graphkit`` app and its registry of commands, each imported only when it is used.

``graphkit --help`` lists :data:`COMMANDS` (name, module, one-line help) without importing any
command module, so it pays only for typer. ``graphkit CMD ...`` (including ``CMD --help``)
imports ``CMD``'s module, which registers its commands on :data:`app` as it always did. Adding a
command is its function in a module plus one :class:`Entry` here.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

import typer
from typer.core import TyperGroup


@dataclass(frozen=True)
class Entry:
    """One top-level command: the module that registers it and its one-line help."""

    name: str
    module: str
    help: str


#: Every top-level command, in the order ``graphkit --help`` lists them.
COMMANDS: dict[str, Entry] = {
    e.name: e
    for e in (
        Entry("path", "graphkit.cli.core", "Trace paths between two entities, with the evidence."),
        Entry("show", "graphkit.cli.core", "An entity's facts and its claims with their sources."),
        Entry("timeline", "graphkit.cli.core", "An entity's claims and sources in date order."),
        Entry("neighbors", "graphkit.cli.core", "Entities within N hops of an entity."),
        Entry("search", "graphkit.cli.core", "Fuzzy search over entity names and aliases."),
        Entry("stats", "graphkit.cli.core", "Counts of entities, claims, types and sources."),
        Entry("validate", "graphkit.cli.core", "Check the data against the SHACL shapes."),
        Entry("export", "graphkit.cli.core", "Write the graph as RDF or a property-graph file."),
        Entry("report", "graphkit.cli.report", "A due-diligence report on a company or agency."),
        Entry("ask", "graphkit.cli.sparql", "Run a question of the query library, or list them."),
        Entry("sparql", "graphkit.cli.sparql", "Run a read-only SPARQL query."),
        Entry("cypher", "graphkit.cli.neo4j", "Run Cypher on Neo4j or on the embedded engine."),
        Entry("serve", "graphkit.cli.sparql", "Serve the data as a read-only SPARQL endpoint."),
        Entry("viz", "graphkit.cli.viz", "An offline HTML view of the graph, or a path drawing."),
        Entry("import", "graphkit.cli.imports", "Turn a CSV file into Turtle under imports/."),
        Entry(
            "resolve",
            "graphkit.cli.imports",
            "List likely duplicate entities, or record a decision.",
        ),
        Entry("neo4j", "graphkit.cli.neo4j", "Load the graph into Neo4j and manage it there."),
    )
}


class LazyGroup(TyperGroup):
    """A typer group that lists :data:`COMMANDS` and imports a command's module on first use."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        for name, cmd in self.commands.items():  # built by typer: modules imported already
            if name in COMMANDS:
                cmd.short_help = COMMANDS[name].help

    def list_commands(self, ctx) -> list[str]:
        return [*COMMANDS, *(n for n in self.commands if n not in COMMANDS)]

    def get_command(self, ctx, cmd_name: str):
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            importlib.import_module(COMMANDS[cmd_name].module)
            cmd = _build(cmd_name)
            if cmd is not None:
                cmd.short_help = COMMANDS[cmd_name].help
                self.commands[cmd_name] = cmd
        return self.commands.get(cmd_name)

    def resolve_command(self, ctx, args):
        try:
            return super().resolve_command(ctx, args)
        except Exception as e:  # click's UsageError (typer's own copy of click)
            if args and "No such command" in getattr(e, "message", "") and "?" not in e.message:
                from difflib import get_close_matches

                near = get_close_matches(args[0], self.list_commands(ctx))
                if near:
                    e.message = f"{e.message.rstrip('.')}. Did you mean {near[0]!r}?"
            raise

    def format_commands(self, ctx, formatter) -> None:
        """The command list from the registry: no command module is imported."""
        rows = [(e.name, e.help) for e in COMMANDS.values()]
        rows += [(n, c.get_short_help_str()) for n, c in self.commands.items() if n not in COMMANDS]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def _build(name: str):
    """The click command or group registered on :data:`app` under ``name``, or None."""
    from typer.main import get_command_from_info, get_command_name, get_group_from_info

    for info in app.registered_commands:
        cb = info.callback
        if (info.name or (cb and get_command_name(cb.__name__))) == name:
            return get_command_from_info(
                info,
                pretty_exceptions_short=app.pretty_exceptions_short,
                rich_markup_mode=app.rich_markup_mode,
            )
    for group in app.registered_groups:
        if group.name == name:
            return get_group_from_info(
                group,
                pretty_exceptions_short=app.pretty_exceptions_short,
                rich_markup_mode=app.rich_markup_mode,
                suggest_commands=True,
            )
    return None


HELP = "A knowledge graph of surveillance relationships, with the evidence behind every claim."

app = typer.Typer(
    cls=LazyGroup,
    help=HELP,
    epilog="A command's arguments and options: graphkit COMMAND --help.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        from graphkit import __version__

        typer.echo(f"graphkit {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """A knowledge graph of surveillance relationships, with the evidence behind every claim."""


def load_all() -> None:
    """Import every command module (for tools that need all commands registered up front)."""
    for module in dict.fromkeys(e.module for e in COMMANDS.values()):
        importlib.import_module(module)
