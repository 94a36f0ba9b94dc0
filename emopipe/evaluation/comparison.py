"""How a figure of ours is held against a paper's: a `Figure` (our MLflow metric beside the paper's
number, or an ablation, a gain, a variant) and a `Method` (one paper: its figures, its recipes in our
run configuration's names, and every deliberate difference). The papers themselves are in `papers/`."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Figure:
    label: str  # what the row measures
    asset: str  # the model asset whose MLflow run holds our figure
    metric: str  # our MLflow metric name
    paper: float | None = None  # the paper's figure on our scale (fractions, not percent); None: it reports none
    minus: str | None = None  # our figure is metric - minus (a gain over a variant in the same run)
    ablation: dict[str, str] | None = None  # read from the run of the same recipe with these params changed instead
    headline: bool = False  # shown in the report's summary
    recipe: str | None = None  # the method's paper recipe the figure's run is held against ("same recipe: yes / no")
    paper_when: dict[str, str] | None = None  # the paper's figure stands beside ours only for runs with these settings


@dataclass(frozen=True)
class Method:
    title: str
    citation: str
    assets: tuple[str, ...]
    figures: tuple[Figure, ...]
    differences: tuple[str, ...]
    partitioned: bool = False  # figures are read per partition (eacl_checkpoints: meld, emorynlp)
    paper_by_partition: dict[str, dict[str, float]] = field(default_factory=dict)
    recipes: dict[str, dict[str, str]] = field(default_factory=dict)  # name -> the paper's settings, in our run config's names


def paper_applies(figure: Figure, params: dict[str, str] | None) -> bool:
    """Whether the paper's figure is the same quantity as ours for a run with `params`."""
    return figure.paper_when is None or (params is not None and all(params.get(k) == v for k, v in figure.paper_when.items()))


def recipe_verdict(method: Method, figure: Figure, params: dict[str, str] | None) -> str:
    """"yes", or "no (what differs: ours, the paper's)" for a run with `params`; "" without a recipe or a run."""
    if figure.recipe is None or params is None:
        return ""
    expected = method.recipes[figure.recipe] | (figure.ablation or {})
    differ = [f"{k} {params.get(k, 'not recorded')} vs {v}" for k, v in expected.items() if params.get(k) != v]
    return "yes" if not differ else "no (" + "; ".join(differ) + ")"
