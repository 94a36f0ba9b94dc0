"""Dagster wiring: assets, checks, resources. Logic lives in the plain modules these call."""

OWNERS = ["team:emopipe"]  # every asset's owner in the UI


def encoder_deps() -> list[str]:
    """`retrofitted_plm` when `EMOPIPE_ENCODER=retrofitted`: the graph edge of the models that then train on it."""
    from emopipe.training.encoders import RETROFITTED
    from emopipe.training.profiles import encoder_override

    return ["retrofitted_plm"] if encoder_override() == RETROFITTED else []

FORCE_CHAMPION = ("move `champion` to this version even when the champion was selected under another profile, split or "
                  "metric, or on a higher figure")
