from django.contrib import admin

from archive.models import Article, Paragraph, Source


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["name", "domain", "base_url"]
    search_fields = ["name", "domain"]


class ParagraphInline(admin.TabularInline):
    model = Paragraph
    fk_name = "article"
    fields = ["position", "text", "language", "role", "is_boilerplate"]
    extra = 0
    ordering = ["position"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "source", "language", "published_iso", "pub_year_inferred", "source_file", "updated_at"]
    list_filter = ["language", "source", "pub_year", "pub_year_inferred"]
    search_fields = ["title", "source_file", "original_url"]
    readonly_fields = ["content_hash", "imported_at", "updated_at", "published_on"]
    inlines = [ParagraphInline]


@admin.register(Paragraph)
class ParagraphAdmin(admin.ModelAdmin):
    list_display = ["__str__", "article", "position", "language", "role", "is_boilerplate"]
    list_filter = ["language", "role", "is_boilerplate"]
    search_fields = ["text", "article__title"]
    raw_id_fields = ["article", "translation"]
