"""The welcome dialog a new installation opens with."""
