"""Metrics, pictures and report rendering."""
