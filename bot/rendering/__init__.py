"""Stage 7: the reply as the user sees it: response, citation, buttons, language."""
