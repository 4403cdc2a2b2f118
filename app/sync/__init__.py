"""Sync with a server speaking the CrossDesk contract: credentials, HTTP client, engine."""
