"""The curators' admin: articles with their paragraphs, change history and revert.

Why django-simple-history, and its limits (bulk writes, paragraph history): docs/architecture.md,
"Curation". Every write that bypasses model signals goes through archive.services, which
queues the affected articles for reindexing itself.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from archive import services
from archive.models import Article, GlossaryEntry, Paragraph, Source


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["name", "domain", "base_url"]
    search_fields = ["name", "domain"]


class TranslationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Paragraph) -> str:
        text = obj.text if len(obj.text) <= 60 else obj.text[:59] + "…"
        return f"p-{obj.position}: {text}"


class ParagraphInlineFormSet(forms.BaseInlineFormSet):
    """Offers only the same article's paragraphs as a translation, rendered once per page, not once per row."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        siblings = Paragraph.objects.filter(article=self.instance) if self.instance.pk else Paragraph.objects.none()
        self._translation_queryset = siblings.only("id", "position", "text").order_by("position")
        self._translation_choices: list | None = None

    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        field = TranslationChoiceField(queryset=self._translation_queryset, required=False, label=_("translation"))
        if self._translation_choices is None:
            self._translation_choices = list(field.choices)
        field.widget.choices = self._translation_choices
        form.fields["translation"] = field

    def clean(self) -> None:
        super().clean()
        for form in self.forms:
            translation = form.cleaned_data.get("translation") if hasattr(form, "cleaned_data") else None
            if translation is not None and form.instance.pk and translation.pk == form.instance.pk:
                form.add_error("translation", _("A paragraph cannot be its own translation."))


class ParagraphInline(admin.TabularInline):
    model = Paragraph
    formset = ParagraphInlineFormSet
    fk_name = "article"
    fields = ["position", "text", "language", "role", "is_boilerplate", "translation"]
    extra = 0
    ordering = ["position"]
    show_change_link = True
    formfield_overrides = {
        # Scraped lines are short; a few rows keep a long article's change page usable.
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 80})},
    }


class HasBoilerplateFilter(admin.SimpleListFilter):
    title = _("has page furniture")
    parameter_name = "has_furniture"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        furniture = Paragraph.objects.filter(article=OuterRef("pk"), is_boilerplate=True)
        if self.value() == "yes":
            return queryset.filter(Exists(furniture))
        if self.value() == "no":
            return queryset.exclude(Exists(furniture))
        return queryset


class CuratedFilter(admin.SimpleListFilter):
    title = _("edited in the admin")
    parameter_name = "curated"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(curated_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(curated_at__isnull=True)
        return queryset


class CurationMixin:
    """A change a curator makes in the admin (including a revert) marks the article as curated."""

    def _is_revert(self, request) -> bool:
        match = request.resolver_match
        return bool(match and match.url_name and match.url_name.endswith("_simple_history"))

    def _changes_content(self, request, form, change: bool) -> bool:
        return not change or form.has_changed() or self._is_revert(request)


@admin.register(Article)
class ArticleAdmin(CurationMixin, SimpleHistoryAdmin):
    list_display = ["title", "source", "site", "language", "published", "source_file", "curated_at", "updated_at"]
    list_filter = ["language", "source", "published_on", HasBoilerplateFilter, CuratedFilter, "pub_year_inferred"]
    list_select_related = ["source"]
    search_fields = ["title", "source__name", "site", "source_file"]
    date_hierarchy = "published_on"
    provenance_fields = ["source_file", "content_hash", "captured_at", "imported_at", "updated_at", "curated_at"]
    readonly_fields = ["published_on", *provenance_fields]
    fieldsets = [
        (None, {"fields": ["title", "source", "site", "original_url", "language"]}),
        (
            _("Publication date (partial dates keep only the known parts)"),
            {"fields": [("pub_year", "pub_month", "pub_day"), "pub_year_inferred", "published_on"]},
        ),
        (_("Provenance"), {"fields": provenance_fields}),
    ]
    inlines = [ParagraphInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    actions = ["rerun_metadata_inference", "reindex_selected"]
    history_list_display = ["title", "curated_at"]

    @admin.display(description=_("published"), ordering="published_on")
    def published(self, obj: Article) -> str:
        """ISO 8601 as far as known, saying when the year is inferred rather than printed on the page."""
        if obj.pub_year_inferred and obj.pub_year:
            return _("%(date)s (year inferred)") % {"date": obj.published_iso}
        return obj.published_iso or "—"

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is None:  # an article added by hand names its own source file
            fields.remove("source_file")
        return fields

    def save_model(self, request, obj: Article, form, change: bool) -> None:
        if self._changes_content(request, form, change):
            obj.curated_at = timezone.now()
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        if change and not form.has_changed() and any(formset.has_changed() for formset in formsets):
            services.mark_curated(article_ids=[form.instance.pk])

    @admin.action(description=_("Re-run metadata inference (title, date, source) from the paragraphs"))
    def rerun_metadata_inference(self, request, queryset) -> None:
        changed = services.reinfer_metadata(article_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request,
            ngettext("%d article changed.", "%d articles changed.", changed) % changed,
            messages.SUCCESS,
        )

    @admin.action(description=_("Reindex selected articles"))
    def reindex_selected(self, request, queryset) -> None:
        ids = list(queryset.values_list("pk", flat=True))
        services.reindex_articles(article_ids=ids)
        self.message_user(
            request, ngettext("%d article queued for reindexing.", "%d articles queued for reindexing.", len(ids))
        )


@admin.register(Paragraph)
class ParagraphAdmin(CurationMixin, SimpleHistoryAdmin):
    list_display = ["__str__", "article", "position", "language", "role", "is_boilerplate", "short_text"]
    list_filter = ["language", "role", "is_boilerplate"]
    list_select_related = ["article"]
    search_fields = ["text", "article__title"]
    raw_id_fields = ["article", "translation"]
    actions = ["mark_furniture", "mark_body"]

    @admin.display(description=_("text"))
    def short_text(self, obj: Paragraph) -> str:
        return obj.text if len(obj.text) <= 80 else obj.text[:79] + "…"

    def save_model(self, request, obj: Paragraph, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if self._changes_content(request, form, change):
            services.mark_curated(article_ids=[obj.article_id])

    def delete_model(self, request, obj: Paragraph) -> None:
        super().delete_model(request, obj)  # post_delete queues the article for reindexing
        services.mark_curated(article_ids=[obj.article_id])

    def delete_queryset(self, request, queryset) -> None:
        article_ids = set(queryset.values_list("article_id", flat=True))
        super().delete_queryset(request, queryset)  # QuerySet.delete sends post_delete per row
        services.mark_curated(article_ids=article_ids)

    @admin.action(description=_("Mark as page furniture (hidden and unsearched)"))
    def mark_furniture(self, request, queryset) -> None:
        self._set_furniture(request, queryset, furniture=True)

    @admin.action(description=_("Mark as body text"))
    def mark_body(self, request, queryset) -> None:
        self._set_furniture(request, queryset, furniture=False)

    def _set_furniture(self, request, queryset, *, furniture: bool) -> None:
        changed = services.set_paragraphs_furniture(
            paragraph_ids=list(queryset.values_list("pk", flat=True)), furniture=furniture, user=request.user
        )
        self.message_user(request, ngettext("%d paragraph changed.", "%d paragraphs changed.", changed) % changed)


@admin.register(GlossaryEntry)
class GlossaryEntryAdmin(admin.ModelAdmin):
    """The cross-language expansion glossary (search with expand=1); edits apply to the next search."""

    list_display = ("chinese", "english", "note", "removed")
    search_fields = ("chinese", "english", "note")
    list_filter = ("removed", "note")
