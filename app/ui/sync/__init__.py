"""Sync in the window: status, sign-in and the changes that need attention."""
