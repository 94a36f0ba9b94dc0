"""Retrofitting a light-weight encoder for emotions (arXiv 2310.18930): training, evaluation, the run."""
