"""Emotion recognition in conversation: EACL (emotion-anchored contrastive learning) and its CE baseline."""
