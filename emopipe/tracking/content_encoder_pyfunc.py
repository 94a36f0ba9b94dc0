"""Serving the text encoder as MLflow pyfunc:
`load_model("models:/emopipe-content-encoder@champion").predict(["what a day"], params={"format": "semeval_be6"})`.

`format` is any format of the label mapper it was trained into (default `emobank_vad`, what it
learned directly), or `embedding` for the 100-d points themselves."""

from __future__ import annotations

from pathlib import Path

import mlflow.pyfunc
from mlflow.models import ModelSignature
from mlflow.types import ColSpec, DataType, ParamSchema, ParamSpec, Schema

from emopipe.tracking.text_pyfunc import coerce_texts

DEFAULT_FORMAT = "emobank_vad"
SIGNATURE = ModelSignature(inputs=Schema([ColSpec(DataType.string)]), params=ParamSchema([ParamSpec("format", "string", DEFAULT_FORMAT)]))


class ContentEncoderModel(mlflow.pyfunc.PythonModel):
    def load_context(self, context):
        from emopipe.emotion_space.content_serving import TextReader

        self.reader = TextReader(Path(context.artifacts["model_dir"]))

    def predict(self, context, model_input, params=None):
        return self.reader.read(coerce_texts(model_input), (params or {}).get("format", DEFAULT_FORMAT))
