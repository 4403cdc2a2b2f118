"""Tests of the reference server's internals (the contract itself is in tests/contract)."""
