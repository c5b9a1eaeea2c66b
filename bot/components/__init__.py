"""Rasa graph components of the assistant (referenced by module path in config.yml)."""
