from typing import Any

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "trust_si.accounts"
    label = "accounts"
    verbose_name = "Accounts and memberships"

    def ready(self) -> None:
        from allauth.mfa.signals import authenticator_added, authenticator_removed

        from .selectors import MFA_ENROLLED_SESSION_KEY
        from .services import api_tokens_revoke_everywhere

        def _second_factor_added(sender: object, request: Any, user: Any, **kwargs: object) -> None:
            # Setting up TOTP checks a code: this session has proved the factor.
            if request is not None and hasattr(request, "session"):
                request.session[MFA_ENROLLED_SESSION_KEY] = user.pk

        def _second_factor_removed(sender: object, user: object, **kwargs: object) -> None:
            # A token must not outlive the second factor that guarded its issue.
            api_tokens_revoke_everywhere(user=user, reason="second factor removed")  # type: ignore[arg-type]

        authenticator_added.connect(_second_factor_added, weak=False, dispatch_uid="i16_mfa_added")
        authenticator_removed.connect(
            _second_factor_removed, weak=False, dispatch_uid="i16_tokens_mfa"
        )
