"""Stage 6: what the assistant knows: the source catalogue and the curated answers."""
