"""Repositories: one per table family, each a thin wrapper over a Connection."""
