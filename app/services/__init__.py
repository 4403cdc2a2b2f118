"""Qt-free use cases: what the UI asks for, expressed over storage and domain."""
