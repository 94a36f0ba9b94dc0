"""Retrofitting light-weight language models for emotions: its figures, its recipe and where we differ."""

from __future__ import annotations

from emopipe.evaluation.comparison import Figure, Method

RETROFITTING = Method(
    "Retrofitting light-weight language models for emotions",
    "arXiv 2310.18930 (no public code); the paper reports about +1 F1 point downstream, more in few-shot",
    ("retrofitted_plm",),
    (
        Figure("k-means AMI, base", "retrofitted_plm", "base_test_ami"),
        Figure("k-means AMI, retrofitted", "retrofitted_plm", "retrofitted_test_ami"),
        Figure("k-means AMI, ablation lambda = 0", "retrofitted_plm", "nopreservation_test_ami"),
        Figure("retrieval MAP@R, base", "retrofitted_plm", "base_test_map_at_r"),
        Figure("retrieval MAP@R, retrofitted", "retrofitted_plm", "retrofitted_test_map_at_r"),
        Figure("retrieval MAP@R, ablation lambda = 0", "retrofitted_plm", "nopreservation_test_map_at_r"),
        Figure("drift from base, mean (1 - cos), retrofitted", "retrofitted_plm", "retrofitted_delta_emb"),
        Figure("drift from base, mean (1 - cos), lambda = 0", "retrofitted_plm", "nopreservation_delta_emb"),
        Figure("SST-2 probe F1 gain, retrofitted - base", "retrofitted_plm", "retrofitted_sst2_probe_f1", 0.01,
               minus="base_sst2_probe_f1", headline=True, recipe="paper"),
        Figure("sarcasm probe F1 gain, retrofitted - base", "retrofitted_plm", "retrofitted_sarcasm_probe_f1", 0.01,
               minus="base_sarcasm_probe_f1", recipe="paper"),
        Figure("SST-2 few-shot (16 per class) accuracy gain, retrofitted - base", "retrofitted_plm",
               "retrofitted_sst2_fewshot16_accuracy_mean", minus="base_sst2_fewshot16_accuracy_mean"),
        Figure("sarcasm few-shot (16 per class) accuracy gain, retrofitted - base", "retrofitted_plm",
               "retrofitted_sarcasm_fewshot16_accuracy_mean", minus="base_sarcasm_fewshot16_accuracy_mean"),
    ),
    (
        "The paper publishes no code; where it is silent we chose (all asset config): temperature 0.1, an MLP "
        "projection head to 64-d, lambda 10, one pass over 16,000 class-balanced draws on the cpu profile.",
        "Probes train on 4,000 sentences per task on the cpu profile (the paper: all); few-shot fine-tunes the whole "
        "encoder, at least 20 steps, last epoch kept.",
        "The cpu profile retrofits all-MiniLM-L6-v2; the gpu profile bert-base-uncased and roberta-base as the paper.",
        "Sarcasm (news headlines, as in the paper) is split 80/10/10 by headline with our seed.",
        "The cpu budget mean-pools MiniLM (how it was trained); the paper and the gpu budget pool [CLS] into the 64-d head "
        "and evaluate sentiment with a k-nearest-neighbour probe on frozen embeddings (k unstated; ours 5, cosine).",
    ),
    recipes={"paper": {"pooling": "cls", "projection_dim": "64", "probe": "knn", "max_length": "50", "batch_size": "16",
                       "learning_rate": "5e-05", "examples_per_epoch": "None", "probe_train_limit": "None"}},
)
