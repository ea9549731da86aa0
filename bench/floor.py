"""The floor any Typer + Rich CLI pays: one command, one string option, one line through Rich."""

import typer
from rich.console import Console

app = typer.Typer()


@app.command()
def main(name: str = typer.Option("world", help="Who to greet.")) -> None:
    Console().print(f"hello {name}")


if __name__ == "__main__":
    app()
