"""Qt-free domain: value types, enums, filters and the rules that need no storage."""
