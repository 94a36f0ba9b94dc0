"""The shared emotion space of "Emotion Embeddings" (Buechel et al., arXiv 2308.07871): one label
encoder and one bias-free label decoder per format, all meeting in a 100-d space."""
