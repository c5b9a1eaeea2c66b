"""Rasa input channels of the assistant: the web chat (`bot.channels.webchat`)."""
