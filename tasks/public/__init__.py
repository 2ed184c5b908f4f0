"""The public pages: published plans and their tasks, as anyone may read them, and their open data."""
