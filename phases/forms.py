"""Forms of the phases app: the trust's phase names and descriptions, and placement thresholds."""

from __future__ import annotations

from typing import Any

from django import forms

from assessment.kpis.catalogue import CATALOGUE
from trust_si.forms import plausible_date
from trust_si.vocab import words

from .config import (
    DEFAULT_SETTINGS,
    PHASE_ORDER,
    PRESETS,
    TUNABLE,
    WEIGHTS,
    phases_for,
    placement_settings,
)

THRESHOLD_HELP = {
    "kpi_sustain_gap": "Percentage points above national at which a KPI counts towards Sustain.",
    "kpi_improve_gap": "Percentage points (negative: below national) down to which a KPI counts as Improve.",
    "kpi_repair_gap": "Percentage points below national down to which a KPI counts as Repair; below: Stabilise.",
    "points_sustain_gap": "The same for points measures (Attainment 8): points above national for Sustain.",
    "points_improve_gap": "Points below national down to which a points measure counts as Improve.",
    "points_repair_gap": "Points below national down to which a points measure counts as Repair.",
    "relative_sustain_gap": "Absence (overall and persistent) is compared as a relative gap, "
    "(academy - national) / national, in per cent of the national rate (DfE): per cent below "
    "national at or beyond which it counts towards Sustain.",
    "relative_improve_gap": "Per cent of the national absence rate (negative: above national) down "
    "to which absence counts as Improve.",
    "relative_repair_gap": "Per cent of the national absence rate (negative: above national) down "
    "to which absence counts as Repair; beyond it: Stabilise.",
    "cut_sustain": "Weighted mean level (1-4) at or above which the academy is proposed Sustain.",
    "cut_improve": "Weighted mean level at or above which the academy is proposed Improve.",
    "cut_repair": "Weighted mean level at or above which the academy is proposed Repair; below: Stabilise.",
    "judgement_stale_days": "Judgements older than this many days are shown as stale and not used.",
    "min_evidence_items": "With fewer scored pieces of evidence, the engine proposes Improve and says so.",
}


LIST_MAX_ITEMS = 20
LIST_MAX_CHARS = 4000
ITEM_MAX_CHARS = 200


def lines_of(text: str) -> list[str]:
    """One item a line; blank lines and surrounding spaces do not count."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class PhaseSettingsForm(forms.Form):
    preset = forms.ChoiceField(
        label="Start from a naming",
        required=False,
        choices=[
            ("", "Keep the names below"),
            ("default", "Stabilise / Repair / Improve / Sustain"),
            ("seed003", "De-clutter / Repair / Improve / Sustain and Strengthen"),
        ],
    )

    def __init__(self, *args: Any, config: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        phases = phases_for(config)
        rules = placement_settings(config)
        for code in PHASE_ORDER:
            info = phases[code]
            self.fields[f"{code}_name"] = forms.CharField(
                label=f"Name of the {code} phase", max_length=40, initial=info.name
            )
            self.fields[f"{code}_tier"] = forms.CharField(
                label="Support tier", max_length=40, initial=info.tier
            )
            self.fields[f"{code}_summary"] = forms.CharField(
                label="Description",
                initial=info.summary,
                widget=forms.Textarea(attrs={"rows": 3}),
                max_length=600,
            )
            self.fields[f"{code}_offer"] = forms.CharField(
                label="Support offer, one item a line (its own, in addition to the phases above)",
                initial="\n".join(info.offer),
                required=False,
                widget=forms.Textarea(attrs={"rows": 4}),
                max_length=LIST_MAX_CHARS,
                help_text="Leave empty to use the default offer.",
            )
            self.fields[f"{code}_descriptors"] = forms.CharField(
                label="Descriptors, one a line",
                initial="\n".join(info.descriptors),
                required=False,
                widget=forms.Textarea(attrs={"rows": 4}),
                max_length=LIST_MAX_CHARS,
                help_text="Leave empty to use the default descriptors.",
            )
        for key in TUNABLE:
            integer = isinstance(DEFAULT_SETTINGS[key], int)
            field_class = forms.IntegerField if integer else forms.FloatField
            self.fields[key] = field_class(
                label=key.replace("_", " ").capitalize(),
                initial=rules[key],
                help_text=f"{THRESHOLD_HELP[key]} Default {DEFAULT_SETTINGS[key]}.",
                min_value=-100,
                max_value=3650,
            )
        for key in WEIGHTS:
            self.fields[f"weight_{key}"] = forms.FloatField(
                label=f"Weight of {key.replace('p8', 'Progress 8')} evidence",
                initial=rules["weights"][key],
                min_value=0,
                max_value=10,
                help_text=f"Default {DEFAULT_SETTINGS['weights'][key]}.",
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        preset = data.get("preset")
        if preset in PRESETS:
            for code, name in PRESETS[preset].items():
                data[f"{code}_name"] = name
        cuts = [data.get("cut_repair"), data.get("cut_improve"), data.get("cut_sustain")]
        if all(c is not None for c in cuts) and not (cuts[0] < cuts[1] < cuts[2]):  # type: ignore[operator]
            self.add_error(
                "cut_improve", "The cut points must rise: Repair below Improve below Sustain."
            )
        gaps = [
            data.get("kpi_repair_gap"),
            data.get("kpi_improve_gap"),
            data.get("kpi_sustain_gap"),
        ]
        if all(g is not None for g in gaps) and not (gaps[0] < gaps[1] < gaps[2]):  # type: ignore[operator]
            self.add_error(
                "kpi_improve_gap", "The KPI gaps must rise: Repair below Improve below Sustain."
            )
        for code in PHASE_ORDER:
            for kind in ("offer", "descriptors"):
                key = f"{code}_{kind}"
                items = lines_of(data.get(key, ""))
                if len(items) > LIST_MAX_ITEMS:
                    self.add_error(key, f"Give at most {LIST_MAX_ITEMS} lines (one item a line).")
                long = [n for n, item in enumerate(items, 1) if len(item) > ITEM_MAX_CHARS]
                if long:
                    self.add_error(
                        key,
                        f"Line {long[0]} is longer than {ITEM_MAX_CHARS} characters: "
                        "shorten it or split it into two lines.",
                    )
                data[key] = items
        relative = [
            data.get("relative_repair_gap"),
            data.get("relative_improve_gap"),
            data.get("relative_sustain_gap"),
        ]
        if all(g is not None for g in relative) and not (relative[0] < relative[1] < relative[2]):  # type: ignore[operator]
            self.add_error(
                "relative_improve_gap",
                "The absence gaps must rise: Repair below Improve below Sustain.",
            )
        names = [data.get(f"{code}_name", "").strip().lower() for code in PHASE_ORDER]
        if len(set(names)) < len(names):
            self.add_error(f"{PHASE_ORDER[0]}_name", "Give each phase a different name.")
        return data


def arrangement_subjects() -> list[tuple[str, str]]:
    """The subjects placement works in (the KPI catalogue's), in words."""
    codes = sorted({k.subject for k in CATALOGUE if k.subject})
    return [(code, words(code)) for code in codes]


# The API schema names this choice set (settings: ENUM_NAME_OVERRIDES).
ARRANGEMENT_SUBJECTS = arrangement_subjects()


class ArrangementForm(forms.Form):
    """A brokered arrangement: who gives, who receives, in what, for how many days, when."""

    giver: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=None,
        label="Academy giving support",
        error_messages={"required": "Choose the academy giving the support."},
    )
    taker: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=None,
        label="Academy receiving support",
        error_messages={"required": "Choose the academy receiving the support."},
    )
    subject = forms.ChoiceField(
        choices=(), error_messages={"required": "Choose the subject the support is in."}
    )
    days = forms.DecimalField(
        label="Days of support",
        min_value=0.5,
        max_value=200,
        decimal_places=1,
        help_text="Counted as the giving academy's capacity used while the arrangement is active.",
        error_messages={
            "required": "Enter the days of support, for example 6.",
            "invalid": "Enter the days as a number, for example 6 or 2.5.",
            "min_value": "Enter at least half a day.",
            "max_value": "Enter at most 200 days.",
            "max_decimal_places": "Enter the days to the nearest half day, for example 2.5.",
        },
    )
    start_on = forms.DateField(
        label="Start date",
        validators=[plausible_date],
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": "Enter the date the support starts.",
            "invalid": "Enter the start date as a real date, for example 2026-01-05.",
        },
    )
    end_on = forms.DateField(
        label="End date",
        validators=[plausible_date],
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": "Enter the date the support ends.",
            "invalid": "Enter the end date as a real date, for example 2026-03-27.",
        },
    )
    notes = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the support is, e.g. “Maths lead practitioner one day a week”.",
    )

    def __init__(self, *args: Any, academies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("giver", "taker"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = academies
        subject = self.fields["subject"]
        assert isinstance(subject, forms.ChoiceField)
        subject.choices = [("", "Choose a subject"), *arrangement_subjects()]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        giver, taker = cleaned.get("giver"), cleaned.get("taker")
        if giver is not None and giver == taker:
            self.add_error(
                "taker", "Choose a different academy to receive the support from the one giving it."
            )
        start, end = cleaned.get("start_on"), cleaned.get("end_on")
        if start and end and end < start:
            self.add_error("end_on", "The end date must be the same as or after the start date.")
        return cleaned
