"""Replies: what came back from an organisation, checked point by point (issue 13)."""
