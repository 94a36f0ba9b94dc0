"""nn.Modules and their config dataclasses: no I/O, no device choice (training/ owns both)."""
