"""Source files: where each one comes from (registry), how it is found (resolver), how it is read."""
