"""`backcoach config`: show, set and unset the person's defaults (config.toml)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from backcoach.render.console import out_console

config_app = typer.Typer(
    help="Your defaults for plan and start (minutes, focus, level, equipment, sound).",
    invoke_without_command=True,
    no_args_is_help=False,
    add_completion=False,  # the top-level app offers completion
    rich_markup_mode=None,
)


@config_app.callback()
def config_show(ctx: typer.Context) -> None:
    """Your defaults in config.toml; with no command, each setting and where it came from."""
    if ctx.invoked_subcommand is not None:
        return
    from backcoach import config
    from backcoach.render.history import settings_table

    values = config.effective(config.read())
    out = out_console()
    out.print(
        settings_table(
            [  # shown: cleaned of controls, bidi overrides and zero-width characters
                (key, config.shown(value), source, config.SETTINGS[key].help)
                for key, (value, source) in values.items()
            ]
        )
    )
    out.print(f"file: {config.shown(str(config.path()))}", style="dim")
    out.print("Options on the command line win over these.", style="dim")


@config_app.command("set")
def config_set(
    key: Annotated[
        str, typer.Argument(metavar="KEY", help="minutes, focus, level, equipment or sound.")
    ],
    value: Annotated[
        str,
        typer.Argument(metavar="VALUE", help="The new value; lists take commas: lower,stretch."),
    ],
) -> None:
    """Set a default; it is checked before anything is written."""
    from backcoach import config

    key = key.strip().lower()
    checked = config.set_value(key, value)
    out_console().print(f"{key} = {config.shown(checked)}", markup=False, highlight=False)


@config_app.command("unset", short_help="Return a setting to its built-in default.")
def config_unset(
    key: Annotated[
        str, typer.Argument(metavar="KEY", help="The setting to return to its default.")
    ],
) -> None:
    """Remove a default from config.toml, so the built-in default applies again."""
    from backcoach import config

    key = key.strip().lower()
    removed = config.unset(key)
    default = config.shown(config.SETTINGS[key].default, empty="none")
    message = "back to the default" if removed else "was not set; the default applies"
    out_console().print(f"{key}: {message} ({default})", markup=False, highlight=False)


@config_app.command("path")
def config_path_command() -> None:
    """Print where config.toml lives."""
    from backcoach import config

    sys.stdout.write(f"{config.path()}\n")
