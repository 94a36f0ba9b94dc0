"""What the commands share: the registry they read and how they show a frame."""

from __future__ import annotations

import click


def registry_uri(ctx: click.Context) -> str:
    from emopipe.tracking.mlflow_tracking import default_tracking_uri

    return ctx.obj or default_tracking_uri()


def resolve_reference(ctx: click.Context, reference: str) -> tuple[str, str]:
    from emopipe.tracking.serving import RegistryLookupError, resolve_in

    try:
        return resolve_in(registry_uri(ctx), reference)
    except RegistryLookupError as err:
        raise click.ClickException(str(err)) from err


def load_reference(ctx: click.Context, reference: str):
    from emopipe.tracking.serving import RegistryLookupError, load_registered

    try:
        uri, model = load_registered(registry_uri(ctx), reference)
    except RegistryLookupError as err:
        raise click.ClickException(str(err)) from err
    click.echo(f"# {uri}", err=True)
    return model


def headline_figures(name: str) -> tuple[str, ...]:
    """The figures `emopipe models` shows for a registered model (its model card's)."""
    from emopipe.evaluation.cards import spec_of

    try:
        return spec_of(name).headline
    except KeyError:  # a model registered by something else than emopipe
        return ()


def show_frame(frame, as_json: bool = False) -> None:
    """A table for people, or with `--json` one JSON array of row objects for programs."""
    import pandas as pd

    if as_json:
        click.echo(frame.to_json(orient="records", force_ascii=False))
        return
    with pd.option_context("display.max_rows", 500, "display.max_columns", 50, "display.width", 200, "display.precision", 3):
        click.echo(frame.to_string(index=False))


JSON = click.option("--json", "as_json", is_flag=True, help="Print JSON (an array of objects) instead of a table.")


def stdin_lines(values: tuple[str, ...]) -> list[str]:
    """VALUES as given, or, when they are the single argument `-`, the non-empty lines of standard input."""
    if values != ("-",):
        return list(values)
    return [line.rstrip("\r\n") for line in click.get_text_stream("stdin") if line.strip()]
