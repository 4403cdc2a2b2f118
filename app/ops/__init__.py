"""The operations the UI asks for: each reads or changes the store and says what changed."""
