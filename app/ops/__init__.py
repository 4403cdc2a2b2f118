"""The operations the UI asks for: each use case reads or changes the store and says what changed."""
