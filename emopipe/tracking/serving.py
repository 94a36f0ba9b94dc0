"""Finding and loading a registered model by reference for the CLI: `name` (its champion),
`name@alias` or `name/version`, with errors that say what the registry does hold."""

from __future__ import annotations

import mlflow.pyfunc
from mlflow.exceptions import MlflowException
from mlflow.tracking import MlflowClient

from emopipe.tracking.champion import CHAMPION
from emopipe.tracking.uris import redact


class RegistryLookupError(LookupError):
    """The registry is empty, or holds no such model, alias or version."""


def resolve(client: MlflowClient, reference: str) -> tuple[str, str]:
    """(name, version) for a reference, checked against the registry."""
    name, alias, version = reference, CHAMPION, None
    if "@" in reference:
        name, alias = reference.split("@", 1)
    elif "/" in reference:
        name, version = reference.rsplit("/", 1)
    names = sorted(m.name for m in client.search_registered_models(max_results=1000))
    if not names:
        raise RegistryLookupError(f"no models are registered in {redact(client.tracking_uri)}: materialize the pipeline first (`make run`)")
    if name not in names:
        raise RegistryLookupError(f"no registered model {name!r}; registered: {', '.join(names)}")
    if version is None:
        aliases = client.get_registered_model(name).aliases or {}
        if alias not in aliases:
            raise RegistryLookupError(f"{name} has no alias {alias!r} (aliases: {', '.join(sorted(aliases)) or 'none'})")
        return name, str(aliases[alias])
    try:
        return name, str(client.get_model_version(name, version).version)
    except MlflowException as err:
        if err.error_code not in ("RESOURCE_DOES_NOT_EXIST", "INVALID_PARAMETER_VALUE"):
            raise
        held = sorted(int(v.version) for v in client.search_model_versions(f"name='{name}'"))
        raise RegistryLookupError(f"{name} has no version {version} (versions: {', '.join(map(str, held)) or 'none'})") from err


def resolve_in(tracking_uri: str, reference: str) -> tuple[str, str]:
    """(name, version) for a reference, in the registry at `tracking_uri`."""
    return resolve(MlflowClient(tracking_uri=tracking_uri, registry_uri=tracking_uri), reference)


def model_uri(client: MlflowClient, reference: str) -> str:
    """`models:/name/version` for a reference."""
    name, version = resolve(client, reference)
    return f"models:/{name}/{version}"


def load_registered(tracking_uri: str, reference: str) -> tuple[str, mlflow.pyfunc.PyFuncModel]:
    client = MlflowClient(tracking_uri=tracking_uri, registry_uri=tracking_uri)
    uri = model_uri(client, reference)
    mlflow.set_tracking_uri(tracking_uri)
    mlflow.set_registry_uri(tracking_uri)
    return uri, mlflow.pyfunc.load_model(uri)


def load_reader(tracking_uri: str, reference: str) -> tuple[str, str, object]:
    """(name, version, reader) of a registered model: the reader its pyfunc wraps, for callers in this
    process that pass what the signature does not declare (the baseline's `probabilities`)."""
    uri, model = load_registered(tracking_uri, reference)
    name, version = uri.removeprefix("models:/").rsplit("/", 1)
    return name, version, model.unwrap_python_model().reader
