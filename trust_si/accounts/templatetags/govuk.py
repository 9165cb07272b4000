"""GOV.UK Frontend form helpers: widgets with the right classes and ARIA, error summaries."""

from __future__ import annotations

from typing import Any

from django import template
from django.forms import BoundField
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_CLASSES = {
    "select": "govuk-select",
    "textarea": "govuk-textarea",
    "checkbox": "govuk-checkboxes__input",
    "radio": "govuk-radios__input",
    "file": "govuk-file-upload",
    "clearablefile": "govuk-file-upload",
    "selectmultiple": "govuk-select",
}


@register.filter
def govuk_widget(field: BoundField) -> SafeString:
    """Render the field's widget with GOV.UK classes, error state and described-by ids."""
    kind = field.widget_type
    css = _CLASSES.get(kind, "govuk-input")
    if field.errors:
        css += f" {css}--error" if kind not in ("checkbox", "radio") else ""
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}-hint")
    if field.errors:
        described.append(f"{field.auto_id}-error")
    attrs: dict[str, Any] = {"class": css}
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)


@register.filter
def is_checkbox(field: BoundField) -> bool:
    return field.widget_type == "checkbox"


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """dict lookup in templates: {{ rows|get_item:academy.pk }}."""
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def select_options(field: BoundField) -> SafeString:
    """A select's `<option>`s, the current value selected: what
    `{% for value, label in form.fields.x.choices %}<option value="{{ value }}"{% if value ==
    form.x.value %} selected{% endif %}>{{ label }}</option>{% endfor %}` writes, in one call
    (the loop resolved the bound field's value again for every option, issue 17)."""
    current = field.value()
    html = "".join(
        f'<option value="{conditional_escape(value)}"{" selected" if value == current else ""}>'
        f"{conditional_escape(label)}</option>"
        for value, label in field.field.choices  # type: ignore[attr-defined]
    )
    return mark_safe(html)  # noqa: S308 - every value and label escaped above
