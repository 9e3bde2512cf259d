"""GET forms for the browse and search pages: they parse and validate the query string."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from archive.filters import FilterError, Filters
from archive.models import Language, Source
from archive.search.engines.base import NEWEST, OLDEST, RELEVANCE
from archive.selectors import SCRIPTS


class DateInput(forms.DateInput):
    input_type = "date"


class Select(forms.Select):
    """A select whose options are written in its own template: Django's includes two templates per
    option, which cost the filter form about 2 ms of a search page's 18 ms of CPU."""

    template_name = "archive/widgets/select.html"


class ArticleFilterForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=[("", _("All languages")), *Language.choices], widget=Select
    )
    source = forms.ModelChoiceField(
        label=_("Source"),
        required=False,
        queryset=Source.objects.order_by("name"),
        empty_label=_("All sources"),
        widget=Select,
    )
    date_from = forms.DateField(label=_("Published from"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("Published to"), required=False, widget=DateInput)
    # A facet's value: "YYYY-MM", or "unknown" (no year or no month), set by the facet links.
    month = forms.CharField(label=_("Month"), required=False, widget=forms.HiddenInput)

    def clean_month(self) -> str:
        try:
            return Filters.parse({"month": self.cleaned_data.get("month", "")}).month
        except FilterError as exc:
            raise forms.ValidationError(exc.message) from None

    def filters(self) -> Filters:
        """The valid filters, ready for the selectors and the search; invalid ones are dropped."""
        if not self.is_bound:
            return Filters()
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        source = data.get("source")
        return Filters(
            language=data.get("language") or "",
            source=source.pk if source else 0,
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            month=data.get("month") or "",
        )


class SearchForm(ArticleFilterForm):
    q = forms.CharField(label=_("Search the archive"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[(RELEVANCE, _("best match first")), (NEWEST, _("newest first")), (OLDEST, _("oldest first"))],
    )

    field_order = ["q", "language", "source", "date_from", "date_to", "month", "sort"]

    def sort_order(self) -> str:
        """The valid sort order asked for, else relevance."""
        return (getattr(self, "cleaned_data", None) or {}).get("sort") or RELEVANCE


def script_choice(value: str | None) -> str:
    return value if value in SCRIPTS else "original"
