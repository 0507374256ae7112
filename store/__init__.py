"""Dossier's persisted state and the domain operations on it. Never imports Textual."""
