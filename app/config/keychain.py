"""Which keyring backends count as a keychain: the one rule shared by the sign-in tokens
(:mod:`app.sync.auth`) and the workspace keys (:mod:`app.ops.workspace_keys`)."""

from __future__ import annotations


def unsafe_backend(backend: object) -> str | None:
    """``module.Name`` of a keyring backend that would not keep a secret safe (keyring's
    fail and null backends, a plaintext file, anything from keyrings.alt); None for a
    real keychain (Secret Service, macOS Keychain, Windows Credential Locker)."""
    module, name = type(backend).__module__, type(backend).__name__
    unsafe = (
        module.startswith("keyrings.alt")
        or module in ("keyring.backends.fail", "keyring.backends.null")
        or "Plaintext" in name
    )
    return f"{module}.{name}" if unsafe else None
