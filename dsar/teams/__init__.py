"""Teams (advice charities, campaign groups), their member accounts, roles, invitations and
the hash-chained audit trail."""
