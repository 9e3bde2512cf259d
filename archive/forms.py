"""GET forms for the browse and search pages: they parse and validate the query string."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from archive.models import Language, Source
from archive.selectors import SCRIPTS

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class DateInput(forms.DateInput):
    input_type = "date"


class ArticleFilterForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=[("", _("All languages")), *Language.choices]
    )
    source = forms.ModelChoiceField(
        label=_("Source"), required=False, queryset=Source.objects.order_by("name"), empty_label=_("All sources")
    )
    date_from = forms.DateField(label=_("Published from"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("Published to"), required=False, widget=DateInput)

    def filters(self) -> dict:
        """The valid filters, ready for the selectors and the search; invalid ones are dropped."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        out = {}
        if data.get("language"):
            out["language"] = data["language"]
        if data.get("source"):
            out["source"] = data["source"].pk
        for name in ("date_from", "date_to"):
            if data.get(name):
                out[name] = data[name]
        return out


class SearchForm(ArticleFilterForm):
    q = forms.CharField(label=_("Search the archive"), required=False)
    month = forms.CharField(label=_("Month"), required=False, widget=forms.HiddenInput)

    field_order = ["q", "language", "source", "date_from", "date_to", "month"]

    def clean_month(self) -> str:
        month = self.cleaned_data.get("month", "")
        return month if MONTH.match(month or "") else ""

    def filters(self) -> dict:
        out = super().filters()
        month = getattr(self, "cleaned_data", {}).get("month")
        if month:
            out["month"] = month
        return out


def script_choice(value: str | None) -> str:
    return value if value in SCRIPTS else "original"
