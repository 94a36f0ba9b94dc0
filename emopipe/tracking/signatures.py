"""The MLflow signatures of emopipe's served models: outputs and params, no input schema.

Without an input schema MLflow hands the payload to the model as it came (a list, a DataFrame, a
dict), and the model's reader checks it with messages that name the row and field. MLflow's own
enforcement of a string column refuses an empty list before the model sees it (a user asking about
no texts gets an error instead of an empty answer) and an integer row where doubles are declared
(emolex8's 0/1); what each model takes is written in its model card."""

from __future__ import annotations

from mlflow.models import ModelSignature, infer_signature
from mlflow.types import ColSpec, DataType, ParamSchema, ParamSpec, Schema


def texts(example: list[str], example_output) -> ModelSignature:
    """Texts in; the outputs as the example output shows them."""
    return ModelSignature(inputs=None, outputs=infer_signature(example, example_output).outputs)


# The text encoder trained into the emotion space: texts in, read as any format of its space.
TEXTS_AS_FORMAT = ModelSignature(inputs=None, params=ParamSchema([ParamSpec("format", "string", "emobank_vad")]))

CONVERSATION = ModelSignature(
    inputs=None,
    outputs=Schema([ColSpec(DataType.long, "turn"), ColSpec(DataType.string, "speaker"), ColSpec(DataType.string, "emotion"),
                    ColSpec(DataType.double, "score")]),
)

LABEL_REQUEST = ModelSignature(inputs=None, params=ParamSchema([ParamSpec("scores", "boolean", False)]))
