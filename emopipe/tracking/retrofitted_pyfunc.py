"""Serving a retrofitted encoder as MLflow pyfunc: texts in, mean-pooled sentence embeddings out
(`load_model("models:/emopipe-retrofitted-plm@champion").predict(["what a day"])` -> array (n, d)).
The model's files are a plain Hugging Face directory (`model_dir/`), loadable without emopipe."""

from __future__ import annotations

from pathlib import Path

import mlflow.pyfunc

from emopipe.tracking.text_pyfunc import coerce_texts


class RetrofittedEncoderModel(mlflow.pyfunc.PythonModel):
    def load_context(self, context):
        from emopipe.models.text_models import SentenceEncoder
        from emopipe.training.encoders import load_encoder

        encoder, self.tokenizer, _ = load_encoder(str(Path(context.artifacts["model_dir"])))
        self.model = SentenceEncoder(encoder).eval()

    def predict(self, context, model_input, params=None):
        from emopipe.training.batching import tokenize
        from emopipe.training.loop import predict

        texts = coerce_texts(model_input)
        ids = tokenize(self.tokenizer, texts, 128)
        return predict(self.model, ids, self.tokenizer.pad_token_id, batch_size=64, bf16=False)
