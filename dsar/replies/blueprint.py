"""The ``replies`` blueprint: checking a reply point by point and following up what it left
out (issue 13). Its views register on it from their own modules (followup_views, and the reply
checklist's views), which create_app imports."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("replies", __name__)
