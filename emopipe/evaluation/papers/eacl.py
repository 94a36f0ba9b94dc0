"""EACL (Yu et al.): its figures per dataset, its recipe and where we differ."""

from __future__ import annotations

from emopipe.evaluation.comparison import Figure, Method

EACL = Method(
    "EACL: emotion-anchored contrastive learning for ERC",
    "Yu et al., arXiv 2403.20289 (reference code Yu-Fangxu/EACL; RoBERTa-large class); weighted F1",
    ("eacl_checkpoints",),
    (
        Figure("EACL, test weighted F1", "eacl_checkpoints", "test_weighted_f1", headline=True, recipe="paper"),
        Figure("EACL, test macro F1", "eacl_checkpoints", "test_macro_f1"),
        Figure("CE baseline, test weighted F1", "eacl_checkpoints", "baseline_test_weighted_f1"),
        Figure("CE baseline, test macro F1", "eacl_checkpoints", "baseline_test_macro_f1"),
        Figure("EACL gain over the baseline, test weighted F1", "eacl_checkpoints", "test_weighted_f1",
               minus="baseline_test_weighted_f1"),
        Figure("EACL gain over the baseline, test macro F1", "eacl_checkpoints", "test_macro_f1", minus="baseline_test_macro_f1"),
        Figure("EACL gain over the baseline, dev weighted F1 (what selects)", "eacl_checkpoints", "dev_weighted_f1",
               minus="baseline_dev_weighted_f1"),
        Figure("ablation: no stage 2, test weighted F1", "eacl_checkpoints", "stage1_test_weighted_f1"),
        Figure("ablation: no angle loss, test weighted F1", "eacl_checkpoints", "test_weighted_f1",
               ablation={"angle_weight": "0.0"}),
        Figure("ablation: first-token pooling (what the reference code pools), test weighted F1", "eacl_checkpoints",
               "test_weighted_f1", ablation={"pooling": "first"}, recipe="paper"),
        Figure("minimum anchor angle before training (degrees)", "eacl_checkpoints", "anchor_min_angle_initial"),
        Figure("minimum anchor angle after training (degrees)", "eacl_checkpoints", "anchor_min_angle_final"),
    ),
    (
        "Checkpoints are selected on dev weighted F1; the reference code selects on test.",
        "The prompt pools at the tokenizer's own mask token; the reference code compares with a hard-coded mask id "
        "(50265) that is not RoBERTa's (50264), so it pools the first token: the `pooling: first` ablation shows what "
        "that costs.",
        "EmoryNLP speakers are full names (the files' own); the reference code keeps the first name only.",
        "The angle loss is weighted 0.1 directly; the reference nests it, an effective weight of 0.09.",
        "Stage 2 starts from the selected model's own anchors; the label-word embeddings come from the training "
        "encoder (the reference computes them once with sup-simcse-roberta-large).",
        "The cpu budget trains MiniLM-L6 for 2 epochs with warm-up and linear decay, heads at lr 3e-3, gradients clipped "
        "at norm 1, and uses stage-2 lr 1e-2 (all chosen on dev); to fit 25 minutes on 2 cores its prompt keeps 2 past "
        "turns instead of 8 and the embeddings and 3 lowest layers stay frozen, in float32. The paper and the gpu "
        "budget: a RoBERTa-large-class encoder, all 8 past turns, 8 epochs, StepLR, clipping at norm 5, stage-2 lr 1e-4.",
    ),
    partitioned=True,
    paper_by_partition={"meld": {"test_weighted_f1": 0.6712}, "emorynlp": {"test_weighted_f1": 0.4024}},
    recipes={"paper": {"encoder": "princeton-nlp/sup-simcse-roberta-large", "epochs": "8", "batch_size": "64",
                       "learning_rate": "1e-05", "head_learning_rate": "0.0004", "max_length": "256", "past_turns": "8",
                       "step_gamma": "0.5", "max_grad_norm": "5.0", "stage_two_lr": "0.0001", "anchor_dim": "None",
                       "frozen_layers": "0", "pooling": "mask"}},
)
