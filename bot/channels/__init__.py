"""Stage 1 of a message's way: the input channels (REST, web chat) and their page."""
