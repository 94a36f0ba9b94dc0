"""The dimensional VAD method ("Dimension is All You Need?") and its GoEmotions baseline."""
