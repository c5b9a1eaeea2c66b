"""Stage 5: dialogue policies (referenced by module path in config.yml)."""
