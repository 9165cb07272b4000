from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "trust_si.accounts"
    label = "accounts"
    verbose_name = "Accounts and memberships"

    def ready(self) -> None:
        from allauth.mfa.signals import authenticator_removed

        from .services import api_tokens_revoke_everywhere

        def _second_factor_removed(sender: object, user: object, **kwargs: object) -> None:
            # A token must not outlive the second factor that guarded its issue.
            api_tokens_revoke_everywhere(user=user, reason="second factor removed")  # type: ignore[arg-type]

        authenticator_removed.connect(
            _second_factor_removed, weak=False, dispatch_uid="i16_tokens_mfa"
        )
