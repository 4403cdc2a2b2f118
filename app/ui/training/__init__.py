"""The training window and the trainer's tools (issue 13)."""
