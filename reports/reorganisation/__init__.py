"""Reorganisation of agencies: preview, apply and undo a decision; the coordinator's reassignment queue.

Lives in ``reports`` because a preview reads every layer (assignments, users, reports in progress);
the decisions themselves are ``plans`` models.
"""
