"""Ballots come with the voting issue; this app is a placeholder so the layout is complete."""
