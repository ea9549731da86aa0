"""The command line: Typer commands, one module per group, each parsing its options,
calling one core function and printing what `render` drew. The one place that turns a
`BackcoachError` into a message and an exit code (`app`).

Owns: `app` (the Typer app and the error handler), `session` (start, snack, remind),
`catalogue` (import, add, edit), `config`, `routine`, `options` (shared options).

May import: everything below it.
"""
