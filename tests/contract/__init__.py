"""Conformance suite of the CrossDesk sync contract: run it against any backend."""
