"""The application shell: start-up, the main window, the task runner, errors, style."""
