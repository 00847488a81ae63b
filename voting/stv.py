"""Placeholder until the STV count lands (being written now)."""
