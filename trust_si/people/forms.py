from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib.auth.password_validation import validate_password

from trust_si.accounts.models import Membership
from trust_si.accounts.roles import ROLE_CHOICES, STAFF_ROLE_CHOICES

if TYPE_CHECKING:
    from trust_si.tenancy.models import Trust


# The academy model, as the membership's scope declares it: accounts sit below academies in
# the layers, so they know the model only through the relation.
Academy: Any = Membership._meta.get_field("academies").related_model


class AcademyChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.name


class MembershipForm(forms.Form):
    role = forms.ChoiceField(label="Role", choices=ROLE_CHOICES)
    staff_role = forms.ChoiceField(
        label="Role in school (school staff)",
        required=False,
        choices=[("", "Not applicable"), *STAFF_ROLE_CHOICES],
    )
    is_board = forms.BooleanField(
        label="Trust board governor (sees the whole trust's reports)", required=False
    )
    academies = AcademyChoices(
        label="Academies",
        queryset=Academy._base_manager.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="Officers, staff, local governors and partners see only these.",
    )

    def __init__(self, *args: Any, trust: Trust, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        academies = self.fields["academies"]
        assert isinstance(academies, forms.ModelMultipleChoiceField)
        academies.queryset = Academy.objects.filter(trust=trust, is_active=True)


class InviteForm(MembershipForm):
    email = forms.EmailField(label="Email address")

    field_order = ["email", "role", "staff_role", "is_board", "academies"]


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(label="Full name", max_length=200)
    password = forms.CharField(
        label="Choose a password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 10 characters.",
    )

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        validate_password(password)
        return password


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label="Person (email contains)", required=False)
    action = forms.CharField(label="Action", required=False, help_text="For example academy.update")
    object_type = forms.CharField(label="Object type", required=False)
    date_from = forms.DateField(
        label="From",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label="To",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="What the token is for, so you can tell it apart later (for example “board dashboard”).",
    )
    days = forms.IntegerField(
        label="Lasts for (days)",
        min_value=1,
        max_value=365,
        initial=90,
        help_text="Between 1 and 365 days. It stops working after that.",
    )
