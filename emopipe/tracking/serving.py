"""Loading a registered model by reference for the CLI: `name` (its champion), `name@alias` or
`name/version`, with errors that say what the registry does hold."""

from __future__ import annotations

import mlflow.pyfunc
from mlflow.exceptions import MlflowException
from mlflow.tracking import MlflowClient

from emopipe.tracking.registry import CHAMPION


class RegistryLookupError(LookupError):
    """The registry is empty, or holds no such model, alias or version."""


def model_uri(client: MlflowClient, reference: str) -> str:
    """`models:/...` for a reference, checked against the registry first."""
    name, alias, version = reference, CHAMPION, None
    if "@" in reference:
        name, alias = reference.split("@", 1)
    elif "/" in reference:
        name, version = reference.rsplit("/", 1)
    names = sorted(m.name for m in client.search_registered_models(max_results=1000))
    if not names:
        raise RegistryLookupError(f"no models are registered in {client.tracking_uri}: materialize the pipeline first (`make run`)")
    if name not in names:
        raise RegistryLookupError(f"no registered model {name!r}; registered: {', '.join(names)}")
    try:
        if version is not None:
            return f"models:/{name}/{client.get_model_version(name, version).version}"
        return f"models:/{name}/{client.get_model_version_by_alias(name, alias).version}"
    except MlflowException as err:
        held = sorted(client.get_registered_model(name).aliases or {})
        what = f"version {version}" if version is not None else f"alias {alias!r}"
        raise RegistryLookupError(f"{name} has no {what} (aliases: {', '.join(held) or 'none'})") from err


def load_registered(tracking_uri: str, reference: str) -> tuple[str, mlflow.pyfunc.PyFuncModel]:
    client = MlflowClient(tracking_uri=tracking_uri, registry_uri=tracking_uri)
    uri = model_uri(client, reference)
    mlflow.set_tracking_uri(tracking_uri)
    mlflow.set_registry_uri(tracking_uri)
    return uri, mlflow.pyfunc.load_model(uri)
