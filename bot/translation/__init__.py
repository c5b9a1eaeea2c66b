"""Stage 3 (and the way back): offline machine translation with Argos Translate."""
