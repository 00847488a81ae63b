"""Surplus reinvestment comes with its own issue; this app holds its place in the layout."""
