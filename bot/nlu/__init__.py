"""Stage 4: Rasa NLU graph components (referenced by module path in config.yml)."""
