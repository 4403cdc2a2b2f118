"""Desktop notifications: the tray icon, in-app toasts, and the controller that asks
:mod:`app.ops.notifications` what to show (issue 14)."""
