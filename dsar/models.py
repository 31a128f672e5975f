"""Every table, imported in one place so Alembic and create_all() see the same metadata."""

from dsar.campaigns.models import Campaign, CampaignLetter, CampaignTarget, CampaignVersion, Participant
from dsar.campaigns.render_model import RenderRun
from dsar.casework.models import Authority, CaseNote, Client
from dsar.db import Base
from dsar.directory import search  # noqa: F401 - creates the search index's tables in create_all()
from dsar.directory.models import Organisation
from dsar.replies.models import ReplyText
from dsar.requests.models import DataRequest, Event, Workspace
from dsar.teams.models import Account, AuditEvent, Membership, OneTimeLink, Team
from dsar.wizard.models import WizardDraft

__all__ = [
    "Base", "Organisation", "Workspace", "DataRequest", "Event", "WizardDraft",
    "Team", "Account", "Membership", "OneTimeLink", "AuditEvent", "Client", "Authority", "CaseNote",
    "ReplyText",
    "Campaign", "CampaignTarget", "CampaignVersion", "Participant", "CampaignLetter",
    "RenderRun",
]
