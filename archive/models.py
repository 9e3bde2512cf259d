"""Sources, articles and their paragraphs; an article keeps the source its page names and the site it came from."""

from __future__ import annotations

import datetime

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from archive.text.script import title_language


class Language(models.TextChoices):
    ENGLISH = "en", _("English")
    SIMPLIFIED = "zh-Hans", _("Chinese (simplified)")
    TRADITIONAL = "zh-Hant", _("Chinese (traditional)")
    MIXED = "mixed", _("Bilingual")
    UNKNOWN = "und", _("Unknown")


class Role(models.TextChoices):
    TITLE = "title", _("Title")
    BODY = "body", _("Body")
    METADATA = "metadata", _("Metadata line")
    BOILERPLATE = "boilerplate", _("Page furniture")


class Source(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    domain = models.CharField(_("domain"), max_length=200, blank=True)
    base_url = models.URLField(_("base URL"), blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        if self.domain and self.domain != self.name:
            return f"{self.name} ({self.domain})"
        return self.name


class Article(models.Model):
    title = models.CharField(_("title"), max_length=500)
    source = models.ForeignKey(
        Source, verbose_name=_("source"), null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    original_url = models.URLField(_("original URL"), max_length=2000, blank=True)
    # The host the page was captured from ("sznews.com"), kept beside the source the page names.
    site = models.CharField(_("site"), max_length=200, blank=True, db_index=True)
    # A publication date may be partial ("03.04" has no year): each part is kept on its
    # own, with a flag when the year was inferred rather than read off the page.
    pub_year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    pub_month = models.PositiveSmallIntegerField(_("month"), null=True, blank=True)
    pub_day = models.PositiveSmallIntegerField(_("day"), null=True, blank=True)
    pub_year_inferred = models.BooleanField(_("year inferred"), default=False)
    # The full date when all three parts are known, for sorting and date filters.
    published_on = models.DateField(_("published on"), null=True, blank=True, db_index=True)
    language = models.CharField(_("language"), max_length=8, choices=Language.choices, default=Language.UNKNOWN)
    source_file = models.CharField(_("imported file"), max_length=1000, unique=True)
    content_hash = models.CharField(_("SHA-256 of the file"), max_length=64, db_index=True)
    # archive.text.pipeline.RULES_VERSION when the page was read: an import re-reads an
    # unchanged file read under older rules (0: before versions were recorded).
    rules_version = models.PositiveSmallIntegerField(_("import rules version"), default=0)
    # When the page was fetched from the web (a WARC record's WARC-Date), if known.
    captured_at = models.DateTimeField(_("captured at"), null=True, blank=True)
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Set when a curator changes the article or its paragraphs in the admin; cleared
    # by a forced re-import. A re-import of a changed file refuses to overwrite a
    # curated article without --force (archive.services.import_file).
    curated_at = models.DateTimeField(_("edited in the admin at"), null=True, blank=True, db_index=True)

    # Per-row snapshots of every save and delete, for the admin's history and revert
    # (see archive.admin for why django-simple-history). bulk_create/bulk_update/
    # QuerySet.update write none by themselves: archive.services writes them in bulk.
    history = HistoricalRecords()

    class Meta:
        ordering = ["-published_on", "-imported_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        self.published_on = self.full_date()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("archive:article", args=[self.pk])

    def full_date(self) -> datetime.date | None:
        if self.pub_year and self.pub_month and self.pub_day:
            try:
                return datetime.date(self.pub_year, self.pub_month, self.pub_day)
            except ValueError:
                return None
        return None

    @property
    def title_language(self) -> str:
        return title_language(self.title, article_language=self.language)

    @property
    def link_url(self) -> str:
        """original_url when it is safe to put in an href (http or https only; never javascript: or data:)."""
        url = self.original_url.strip()
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        return url if scheme in ("http", "https") and url.split(":", 1)[1].startswith("//") else ""

    @property
    def published_iso(self) -> str:
        """ISO 8601, partial when parts are missing: "2020-03-20", "2020-03", "--03-04"."""
        year, month, day = self.pub_year, self.pub_month, self.pub_day
        if year and month and day:
            return f"{year:04d}-{month:02d}-{day:02d}"
        if year and month:
            return f"{year:04d}-{month:02d}"
        if year:
            return f"{year:04d}"
        if month and day:
            return f"--{month:02d}-{day:02d}"
        return ""


class Paragraph(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="paragraphs")
    # 1-based line number among the file's non-empty lines: the stable permalink #p-N.
    position = models.PositiveIntegerField(_("position"))
    text = models.TextField(_("text"))
    language = models.CharField(_("language"), max_length=8, choices=Language.choices, default=Language.UNKNOWN)
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.BODY)
    is_boilerplate = models.BooleanField(_("page furniture"), default=False, db_index=True)
    translation = models.OneToOneField(
        "self",
        verbose_name=_("translation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="translated_from",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["article", "position"]
        constraints = [models.UniqueConstraint(fields=["article", "position"], name="unique_paragraph_position")]

    def __str__(self) -> str:
        return f"{self.article_id}#p-{self.position}"

    def get_absolute_url(self) -> str:
        return f"{self.article.get_absolute_url()}#p-{self.position}"

    @property
    def aligned(self) -> Paragraph | None:
        """The paired translation, whichever side of the pair this paragraph is on."""
        if self.translation_id:
            return self.translation
        return getattr(self, "translated_from", None)


class IndexTask(models.Model):
    """An outbox row: written in the same transaction as the change, drained by one writer."""

    article_id = models.BigIntegerField(db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"reindex article {self.article_id}"


class GlossaryEntry(models.Model):
    """A curated term for cross-language expansion: its simplified Chinese and English variants.

    An entry adds to what CC-CEDICT gives; one marked `removed` takes its Chinese away from what
    its English variants expand to (and those English from what its Chinese expands to), on purpose.
    """

    chinese = models.CharField(_("Chinese (simplified)"), max_length=64, unique=True)
    english = models.CharField(_("English variants"), max_length=500, help_text=_("Separated by |"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    removed = models.BooleanField(
        _("removed on purpose"),
        default=False,
        help_text=_("Never expand these English variants to this Chinese, nor this Chinese to them."),
    )

    class Meta:
        ordering = ["chinese"]
        verbose_name = _("glossary entry")
        verbose_name_plural = _("glossary entries")

    def __str__(self) -> str:
        return f"{self.chinese} = {self.english}"

    @property
    def variants(self) -> list[str]:
        return [variant.strip() for variant in self.english.split("|") if variant.strip()]


class Fingerprint(models.Model):
    """An article's MinHash signature (archive.duplicates) and the group of near-duplicate reposts
    it belongs to.

    Groups derive from the stored signatures (archive.copies can always recompute them), except
    where a curator split an article out or merged groups: those rows are `pinned`, and automatic
    grouping leaves them as the curator set them. The history keeps every curator's change.
    """

    article = models.OneToOneField(
        Article, primary_key=True, on_delete=models.CASCADE, related_name="fingerprint", verbose_name=_("article")
    )
    signature = models.BinaryField(_("MinHash signature"), blank=True, default=b"")
    # The group's id (an article id of the group when it was formed); null: a copy of nothing.
    group = models.PositiveBigIntegerField(_("group of copies"), null=True, blank=True, db_index=True)
    pinned = models.BooleanField(_("grouped by a curator"), default=False)
    # False until grouping has looked at this signature (a crash between writing and grouping
    # leaves it False, and the next import or regroup_copies picks it up).
    grouped = models.BooleanField(default=False, db_index=True)

    history = HistoricalRecords(excluded_fields=["signature", "grouped"])

    class Meta:
        verbose_name = _("copies group membership")
        verbose_name_plural = _("copies group memberships")

    def __str__(self) -> str:
        return f"{self.article_id} in group {self.group}" if self.group else f"{self.article_id} (no copies)"
