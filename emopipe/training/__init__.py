"""Training machinery shared by every model asset: the only place that chooses a device."""
