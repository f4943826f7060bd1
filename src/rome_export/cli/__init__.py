"""The ``rome-export`` command line: a thin click layer over the library.

Each command lives in a module of its own in this package and is imported only when it is
run (or when ``--help`` lists it), so that start-up stays fast. Commands call one library
function each; library exceptions (:mod:`rome_export.errors`) become a one-line message and
the exit code of the shared table below. A traceback is shown only with ``--debug``.

Exit codes (every command): 0 ok · 1 invalid data · 2 usage error · 3 operational failure.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from typing import Any

import click

from rome_export import __version__
from rome_export.errors import EXIT_OPERATIONAL, RomeExportError

# name -> "module:attribute"; order is the order of `rome-export --help`.
COMMANDS: dict[str, str] = {
    "validate": "rome_export.cli.validate:validate",
    "build": "rome_export.cli.build:build",
    "export": "rome_export.cli.export:export",
    "import-text": "rome_export.cli.import_text:import_text",
    "import-rome": "rome_export.cli.import_rome:import_rome",
    "link": "rome_export.cli.link:link",
    "query": "rome_export.cli.sparql:query",
    "push": "rome_export.cli.sparql:push",
    "serve": "rome_export.cli.sparql:serve",
    "schema": "rome_export.cli.schema:schema",
}

EXIT_CODES_EPILOG = (
    "Exit codes (every command): 0 ok, 1 invalid data, 2 usage error, "
    "3 operational failure (unreadable file, endpoint down)."
)


class LazyGroup(click.Group):
    """A group whose commands are imported on first use (click's documented pattern)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name in COMMANDS if self._available(name)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, _, attr = target.partition(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:  # not written yet
                return None
            raise
        command: click.Command = getattr(module, attr)
        return command

    @staticmethod
    def _available(name: str) -> bool:
        module_name = COMMANDS[name].partition(":")[0]
        return importlib.util.find_spec(module_name) is not None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except RomeExportError as exc:
            if ctx.find_root().params.get("debug"):
                raise
            fail(exc.message, exc.exit_code, hint=exc.hint)
        except KeyboardInterrupt:
            fail("interrupted", EXIT_OPERATIONAL)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as exc:  # the last net: never a traceback without --debug
            if ctx.find_root().params.get("debug"):
                raise
            fail(
                f"internal error: {type(exc).__name__}: {exc}",
                EXIT_OPERATIONAL,
                hint="run again with --debug for the traceback, and please report it",
            )


def fail(message: str, code: int, *, hint: str | None = None) -> None:
    """Print ``Error: message`` (and a hint) to stderr and exit with ``code``."""
    click.echo(f"Error: {message}", err=True)
    if hint:
        click.echo(f"Hint: {hint}", err=True)
    sys.exit(code)


@click.group(
    cls=LazyGroup,
    epilog=EXIT_CODES_EPILOG,
    context_settings={"help_option_names": ["-h", "--help"]},
)
# The version of the source, not of installed metadata: run from a checkout
# (PYTHONPATH=src) there is none, and click's lookup raised a traceback.
@click.version_option(__version__, prog_name="rome-export")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
def main(debug: bool) -> None:
    """Validate job-sheet referentials and publish them as open data.

    Sheets authored in YAML become JSON-LD, RDF/SKOS (Turtle, N-Triples, RDF/XML, TriG,
    N-Quads) and CSV with a DCAT catalogue, linked to ROME 4.0, ESCO and ISCO-08.
    """
