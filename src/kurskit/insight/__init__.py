"""Statistics and overviews from the answers: who did what, and how questions worked."""
