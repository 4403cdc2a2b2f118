"""CrossDesk: desktop client for cross-border customer-service agents."""

__version__ = "0.1.0"
