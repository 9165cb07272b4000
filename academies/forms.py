from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms

from trust_si.limits import GIAS, MB, OFSTED

from .models import (
    Academy,
    CategoryOfConcern,
    Inspection,
    InspectionArea,
    KeyJudgement,
    LegacyGrade,
    PhaseOfEducation,
    ReportCardGrade,
)

if TYPE_CHECKING:
    from trust_si.tenancy.models import Trust


DATE_HINT = "For example, 1 9 2023"


class AcademyForm(forms.ModelForm):
    class Meta:
        model = Academy
        fields = [
            "urn",
            "name",
            "phase_of_education",
            "age_low",
            "age_high",
            "pupils_on_roll",
            "pct_disadvantaged",
            "pct_send_support",
            "pct_ehcp",
            "pct_eal",
            "is_church_school",
            "local_authority",
            "date_joined",
        ]
        widgets = {"date_joined": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args: Any, trust: Trust, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.trust = trust
        self.instance.trust = trust
        if self.instance.pk:
            self.fields["urn"].disabled = True
            self.fields["urn"].help_text = "The URN identifies the academy and cannot change."

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("age_low"), data.get("age_high")
        if low is not None and high is not None and high <= low:
            self.add_error("age_high", "The highest age must be above the lowest age.")
        return data

    def validate_unique(self) -> None:
        # The unique constraint includes the trust, which is set here rather than by the user.
        urn = self.cleaned_data.get("urn")
        if (
            urn
            and not self.instance.pk
            and Academy.objects.filter(trust=self.trust, urn=urn).exists()
        ):
            self.add_error("urn", "An academy with this URN is already in your trust.")


class InspectionForm(forms.Form):
    kind = forms.ChoiceField(
        label="Kind of inspection", choices=Inspection.Kind.choices, widget=forms.RadioSelect
    )
    inspected_on = forms.DateField(
        label="Date of inspection",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    overall_grade = forms.TypedChoiceField(
        label="Overall effectiveness (legacy inspections)",
        required=False,
        coerce=int,
        choices=[("", "Not applicable"), *LegacyGrade.choices],
    )
    safeguarding_met = forms.TypedChoiceField(
        label="Safeguarding",
        help_text="Report cards: met or not met. Earlier inspections: effective or not effective.",
        required=False,
        coerce=lambda v: {"met": True, "not_met": False}.get(v),
        choices=[
            ("", "Not recorded"),
            ("met", "Met (effective)"),
            ("not_met", "Not met (not effective)"),
        ],
    )
    category_of_concern = forms.ChoiceField(
        label="Category of concern",
        required=False,
        choices=CategoryOfConcern.choices,
    )
    is_predecessor = forms.BooleanField(
        label="This is the predecessor school's inspection (before the academy opened)",
        required=False,
    )
    report_url = forms.URLField(label="Link to the report", required=False)
    outcome = forms.CharField(
        label="Ofsted's outcome, in Ofsted's words (ungraded and monitoring inspections)",
        required=False,
        max_length=200,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for judgement in KeyJudgement:
            self.fields[f"kj_{judgement.value}"] = forms.TypedChoiceField(
                label=judgement.label,
                required=False,
                coerce=int,
                empty_value=None,
                choices=[("", "Not graded"), *LegacyGrade.choices],
            )
        for area in InspectionArea:
            self.fields[f"area_{area.value}"] = forms.ChoiceField(
                label=area.label,
                required=False,
                choices=[("", "Not graded"), *ReportCardGrade.choices],
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        areas = {
            a.value: data.get(f"area_{a.value}")
            for a in InspectionArea
            if data.get(f"area_{a.value}")
        }
        judgements = {
            k.value: data[f"kj_{k.value}"] for k in KeyJudgement if data.get(f"kj_{k.value}")
        }
        kind = data.get("kind")
        if kind == Inspection.Kind.LEGACY and not data.get("overall_grade"):
            self.add_error("overall_grade", "Choose the overall effectiveness grade.")
        if kind == Inspection.Kind.GRADED and not judgements:
            self.add_error(None, "Grade at least one key judgement.")
        if kind == Inspection.Kind.REPORT_CARD and not areas:
            self.add_error(None, "Grade at least one evaluation area.")
        if kind in (Inspection.Kind.REPORT_CARD, Inspection.Kind.GRADED) and (
            data.get("safeguarding_met") is None
        ):
            self.add_error("safeguarding_met", "Say whether safeguarding was met (effective).")
        data["area_grades"] = areas
        data["key_judgements"] = judgements
        return data

    def inspection_data(self) -> dict[str, Any]:
        """Only the fields this kind of inspection has: Ofsted records each kind differently."""
        d = self.cleaned_data
        kind = d["kind"]
        legacy = kind == Inspection.Kind.LEGACY
        return {
            "kind": kind,
            "inspected_on": d["inspected_on"],
            "area_grades": d["area_grades"] if kind == Inspection.Kind.REPORT_CARD else {},
            "key_judgements": d["key_judgements"]
            if kind in (Inspection.Kind.LEGACY, Inspection.Kind.GRADED)
            else {},
            "safeguarding_met": d["safeguarding_met"],
            "overall_grade": d["overall_grade"] if legacy else None,
            "category_of_concern": d.get("category_of_concern") or "",
            "is_predecessor": bool(d.get("is_predecessor")),
            "report_url": d.get("report_url") or "",
            "outcome": (d.get("outcome") or "") if kind == Inspection.Kind.UNGRADED else "",
        }


class GiasImportForm(forms.Form):
    file = forms.FileField(
        label="GIAS group-links file (CSV)",
        help_text="Download it from Get Information About Schools: Groups, then links.",
    )
    group_uid = forms.CharField(
        label="Group UID",
        max_length=20,
        help_text="Your trust's Group UID in GIAS, for example 4320.",
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > GIAS.max_bytes:
            raise forms.ValidationError(f"The file must be smaller than {GIAS.max_bytes // MB} MB.")
        if not upload.name.lower().endswith(".csv"):
            raise forms.ValidationError("The file must be a CSV.")
        return upload


class OfstedImportForm(forms.Form):
    file = forms.FileField(
        label="Ofsted management information file (CSV)",
        help_text="Ofsted's monthly 'State-funded schools inspections and outcomes: management "
        "information' file, as downloaded from GOV.UK.",
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > OFSTED.max_bytes:
            raise forms.ValidationError(
                f"The file must be smaller than {OFSTED.max_bytes // MB} MB."
            )
        if not upload.name.lower().endswith(".csv"):
            raise forms.ValidationError("The file must be a CSV.")
        return upload


class AcademyFilterForm(forms.Form):
    q = forms.CharField(label="Search by name or URN", required=False)
    phase = forms.ChoiceField(label="Phase of education", required=False)
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=[
            ("name", "Name"),
            ("urn", "URN"),
            ("-pupils_on_roll", "Pupils (most first)"),
            ("-pct_disadvantaged", "% disadvantaged (highest first)"),
        ],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)

        self.fields["phase"].choices = [("", "All"), *PhaseOfEducation.choices]  # type: ignore[attr-defined]
