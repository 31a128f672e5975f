"""Campaigns: a team asks many people to write the same request to the same organisations.

A campaign's letter-shaping settings are frozen in numbered versions (models.CampaignVersion);
each participant joins under one version and gets one ordinary request per target in a
private workspace of their own (one tracking link), so the campaign's results can be pooled
from those requests' derived statuses."""
