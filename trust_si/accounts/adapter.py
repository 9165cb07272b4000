"""allauth adapters: no open sign-up (people join only through an invitation); MFA secrets encrypted."""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest


class InviteOnlyAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def get_login_redirect_url(self, request: HttpRequest) -> Any:
        return super().get_login_redirect_url(request)


class EncryptingMFAAdapter(DefaultMFAAdapter):
    """Second-factor secrets (the TOTP key, the recovery-code seed) are stored encrypted.

    Fernet (AES-128-CBC + HMAC-SHA256) with the keys in `MFA_SECRET_KEYS`: the first encrypts,
    any of them decrypts, so a key can be rotated by putting the new one first. A database
    copy without the key does not give anyone the codes.
    """

    def encrypt(self, text: str) -> str:
        return secret_encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        return secret_decrypt(encrypted_text)


ENCRYPTED_PREFIX = "fernet:"


def _fernet() -> MultiFernet:
    keys = settings.MFA_SECRET_KEYS
    if not keys:
        raise ImproperlyConfigured("MFA_SECRET_KEYS is empty: second-factor secrets need a key.")
    return MultiFernet([Fernet(key) for key in keys])


def secret_encrypt(text: str) -> str:
    if text.startswith(ENCRYPTED_PREFIX):
        return text  # already encrypted (the data migration may run twice)
    return ENCRYPTED_PREFIX + _fernet().encrypt(text.encode()).decode()


def secret_decrypt(stored: str) -> str:
    if not stored.startswith(ENCRYPTED_PREFIX):
        # Written before encryption and not yet migrated: refused, not trusted in clear.
        raise ImproperlyConfigured("A second-factor secret is stored unencrypted.")
    try:
        return _fernet().decrypt(stored[len(ENCRYPTED_PREFIX) :].encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "A second-factor secret does not decrypt with MFA_SECRET_KEYS."
        ) from exc
