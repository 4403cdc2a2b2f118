"""The settings and keyboard-shortcut dialogs."""
