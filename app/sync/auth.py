"""Access and refresh tokens live only in the operating system's keychain.

keyring picks the OS store (macOS Keychain, Windows Credential Locker, Secret
Service, KWallet). When the only backend available would keep secrets in a
plain file, or nowhere (the "fail" and "null" backends, keyrings.alt), CrossDesk
refuses to sign in and says what to install: a token on disk is worse than no
sign-in.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import urllib.parse
from dataclasses import asdict, dataclass

import keyring
import keyring.errors

from app.config.keychain import unsafe_backend
from app.domain.errors import LocalizedError
from app.i18n import N_

SERVICE = "CrossDesk"


class KeychainError(LocalizedError):
    """No safe place for credentials; the message says what to do."""


@dataclass(frozen=True, slots=True)
class Tokens:
    access_token: str
    refresh_token: str
    expires_at: int  # epoch seconds


def _account(server_url: str, agent_id: str) -> str:
    return f"{server_url.rstrip('/')}|{agent_id}"


def check_backend() -> None:
    """Raise KeychainError unless the keyring backend keeps secrets safely."""
    unsafe = unsafe_backend(keyring.get_keyring())
    if unsafe is not None:
        raise KeychainError(
            N_(
                "No secure keychain is available ({backend}). CrossDesk keeps sign-in tokens "
                "only in the system keychain: on Linux, install and unlock GNOME Keyring or "
                "KWallet (Secret Service), then sign in again."
            ),
            backend=unsafe,
        )


def save(server_url: str, agent_id: str, tokens: Tokens) -> None:
    check_backend()
    try:
        keyring.set_password(SERVICE, _account(server_url, agent_id), json.dumps(asdict(tokens)))
    except keyring.errors.KeyringError as exc:
        raise KeychainError(
            N_("The system keychain refused to store the sign-in: {error}"), error=str(exc)
        ) from exc


def load(server_url: str, agent_id: str) -> Tokens | None:
    check_backend()
    try:
        raw = keyring.get_password(SERVICE, _account(server_url, agent_id))
    except keyring.errors.KeyringError as exc:
        raise KeychainError(
            N_("The system keychain could not be read: {error}"), error=str(exc)
        ) from exc
    if not raw:
        return None
    try:
        return Tokens(**json.loads(raw))
    except (ValueError, TypeError):
        return None


def forget(server_url: str, agent_id: str) -> None:
    with contextlib.suppress(keyring.errors.PasswordDeleteError):
        keyring.delete_password(SERVICE, _account(server_url, agent_id))


class ServerAddressError(LocalizedError):
    """The server address cannot be used; the message says how to write it."""


def check_server_url(url: str) -> str:
    """The normalised address, or a clear refusal: https everywhere; plain http only to a
    server on this computer (the reference server started by hand), because the password
    and tokens would otherwise cross the network in clear."""
    url = url.strip().rstrip("/")
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ServerAddressError(
            N_("Enter the server's address, starting with https:// (for example {example})."),
            example="https://crossdesk.example.com",
        )
    if parts.scheme == "http" and not _loopback(parts.hostname):
        raise ServerAddressError(
            N_(
                "{url} is not encrypted. Use https://; plain http is only accepted for a "
                "server on this computer (localhost)."
            ),
            url=url,
        )
    return url


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
