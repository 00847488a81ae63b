"""Surplus reinvestment comes with its own issue; this app is a placeholder so the layout is complete."""
