"""Culture: etiquette profiles, live calendar facts and the draft checker (Qt-free)."""
