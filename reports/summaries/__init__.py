"""Periodic summaries for UBND tỉnh: snapshot (what it says), document and annex (how), service (when)."""
