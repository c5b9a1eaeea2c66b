"""Stage 2: which language a message is in, and which language the reply is in."""
