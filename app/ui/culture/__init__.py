"""The culture side panel: etiquette, live facts, knowledge, and the draft check."""
