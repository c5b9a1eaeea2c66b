"""The assistant's own code: language layer, translation and response rendering."""
