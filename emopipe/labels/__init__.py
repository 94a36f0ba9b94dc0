"""Label spaces and their harmonization: pure polars/numpy functions, no I/O."""
