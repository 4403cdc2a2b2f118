"""Data-subject requests on the agent's side (issue 17): open a request with its law and
deadline, follow it in the "Data requests" queue, export or erase the customer, and be
reminded before the deadline. Wired into the main window by :mod:`app.ui.privacy.install`."""
