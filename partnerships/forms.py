from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django import forms

from .models import KeyArea, Nature, PartnerKind

if TYPE_CHECKING:
    from academies.models import Academy


class ActivityForm(forms.Form):
    academy: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None,  # type: ignore[arg-type]  # set per request in __init__
        empty_label="Choose an academy",
    )
    date = forms.DateField(
        help_text="For example, 2026-01-27",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    days = forms.DecimalField(
        min_value=Decimal("0.5"),
        max_digits=4,
        decimal_places=1,
        help_text="In half days, for example 0.5 or 1.5",
    )
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)

    def __init__(self, *args: Any, academies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["academy"].queryset = academies  # type: ignore[attr-defined]


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PartnerForm(forms.Form):
    name = forms.CharField(label="Name", max_length=200)
    kind = forms.ChoiceField(
        label="Kind of organisation", choices=[("", "Choose a kind"), *PartnerKind.choices]
    )
    website = forms.URLField(
        label="Website",
        required=False,
        max_length=200,
        help_text="For example, https://example.org",
    )
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ContactForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label="Name", max_length=200)
    role = forms.CharField(label="Role", max_length=200, required=False)
    email = forms.EmailField(label="Email", required=False)
    phone = forms.CharField(label="Phone", max_length=40, required=False)


class BaseContactFormSet(forms.BaseFormSet):
    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "Remove this contact"


# Two blank rows for new contacts; a blank row is ignored, an existing one can be removed.
ContactFormSet = forms.formset_factory(
    ContactForm, formset=BaseContactFormSet, extra=2, can_delete=True, max_num=30
)


def contacts_from(formset: Any) -> list[dict[str, Any]]:
    """The contacts to keep, as the service takes them (blank and removed rows left out)."""
    kept = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None)
        if data and not data.get("DELETE"):
            kept.append({k: v for k, v in data.items() if k != "DELETE"})
    return kept


class CommissionForm(forms.Form):
    partner: forms.ModelChoiceField = forms.ModelChoiceField(
        label="Partner",
        queryset=None,  # type: ignore[arg-type]
        empty_label="Choose a partner",
    )
    title = forms.CharField(label="Title", max_length=200)
    key_area = forms.ChoiceField(
        label="Key area", choices=[("", "Choose a key area"), *KeyArea.choices]
    )
    nature = forms.ChoiceField(
        label="Support or challenge", choices=Nature.choices, widget=forms.RadioSelect
    )
    academies: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label="Academies covered",
        queryset=None,  # type: ignore[arg-type]
        widget=forms.CheckboxSelectMultiple,
    )
    days_per_academy = forms.DecimalField(
        label="Days allocated per academy",
        min_value=Decimal("0"),
        max_digits=5,
        decimal_places=1,
        initial=Decimal("3"),
        help_text="Up to this many days per academy, for example 3 or 2.5",
    )
    package = forms.CharField(
        label="Package",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the partner provides.",
    )
    cost = forms.DecimalField(
        label="Cost in pounds",
        min_value=Decimal("0"),
        max_digits=10,
        decimal_places=2,
        initial=Decimal("0"),
    )
    funding_source = forms.CharField(
        label="Funding source",
        max_length=200,
        required=False,
        help_text="For example, school improvement budget or a DfE grant",
    )
    starts_on = forms.DateField(
        label="Start date", widget=DATE, help_text="For example, 2025-09-01"
    )
    ends_on = forms.DateField(label="End date", widget=DATE, help_text="For example, 2026-07-31")
    objectives = forms.CharField(
        label="Objectives", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    evidence_of_impact = forms.CharField(
        label="Evidence of impact", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    partner_members: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label="Partner users working on it",
        queryset=None,  # type: ignore[arg-type]
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="They see and log days only for this commission's academies and key area.",
    )

    MAIN = (
        "title",
        "key_area",
        "nature",
        "days_per_academy",
        "package",
        "cost",
        "funding_source",
        "starts_on",
        "ends_on",
        "objectives",
        "evidence_of_impact",
    )

    def __init__(
        self, *args: Any, partners: Any, academies: Any, members: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partners  # type: ignore[attr-defined]
        self.fields["academies"].queryset = academies  # type: ignore[attr-defined]
        self.fields["partner_members"].queryset = members  # type: ignore[attr-defined]
        self.fields["partner_members"].label_from_instance = lambda m: str(m.user)  # type: ignore[attr-defined]
        self.academy_list = list(academies)
        # One optional field per academy: its own allocation, overriding the default.
        for academy in self.academy_list:
            self.fields[self.days_name(academy)] = forms.DecimalField(
                label=f"Days for {academy.name}",
                required=False,
                min_value=Decimal("0"),
                max_digits=5,
                decimal_places=1,
            )

    @staticmethod
    def days_name(academy: Academy) -> str:
        return f"days_{academy.pk}"

    @staticmethod
    def initial_for(commission: Any) -> dict[str, Any]:
        initial = {name: getattr(commission, name) for name in CommissionForm.MAIN}
        initial["partner"] = commission.partner_id
        initial["academies"] = list(commission.academies.all())
        initial["partner_members"] = list(commission.partner_members.all())
        for row in commission.allocations.all():
            initial[f"days_{row.academy_id}"] = row.days
        return initial

    def override_fields(self) -> list[Any]:
        return [self[self.days_name(a)] for a in self.academy_list]

    def overrides_open(self) -> bool:
        """Show the per-academy days when any is set or wrong (an error must be reachable)."""
        return any(f.errors or f.value() not in (None, "") for f in self.override_fields())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", "The end date must not be before the start date.")
        return data

    def commission_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.MAIN}

    def overrides(self) -> dict[Any, Decimal]:
        chosen = {a.pk for a in self.cleaned_data["academies"]}
        return {
            academy: self.cleaned_data[self.days_name(academy)]
            for academy in self.academy_list
            if academy.pk in chosen and self.cleaned_data.get(self.days_name(academy)) is not None
        }
