"""Casework for advice charities: clients, letters of authority, the caseload."""
