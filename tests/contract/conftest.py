"""The conformance suite's fixtures come from tests/contract/plugin.py (registered in
tests/conftest.py), so that its command-line options work; nothing else lives here."""
