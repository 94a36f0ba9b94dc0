"""What each reproduced paper reports, and every place emopipe deliberately differs from it or its
reference code, one module per paper. The evaluation report puts our figure beside the paper's on
the same metric and scale; the paper's numbers are the ones in DESIGN.md."""

from emopipe.evaluation.papers.dimensional import VAD
from emopipe.evaluation.papers.eacl import EACL
from emopipe.evaluation.papers.emotion_embeddings import EMOTION_EMBEDDINGS
from emopipe.evaluation.papers.retrofitting import RETROFITTING

METHODS = (VAD, EMOTION_EMBEDDINGS, RETROFITTING, EACL)
__all__ = ["EACL", "EMOTION_EMBEDDINGS", "METHODS", "RETROFITTING", "VAD"]
