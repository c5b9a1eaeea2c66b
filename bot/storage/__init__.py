"""Beside the way: conversation storage (tracker store, lock store, retention)."""
