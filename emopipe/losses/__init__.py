"""One loss per file, each tested against a naive reference loop."""
