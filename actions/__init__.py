"""Custom actions of the assistant: only what responses cannot do."""
