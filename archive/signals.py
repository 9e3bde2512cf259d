"""Every saved or deleted article or paragraph queues its article for reindexing; a glossary
edit drops this process's copy of the glossary."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from archive.models import Article, GlossaryEntry, Paragraph
from archive.search import queue, rewrite


@receiver([post_save, post_delete], sender=Article, dispatch_uid="archive-article-index")
def article_changed(sender, instance: Article, **kwargs) -> None:
    queue.enqueue(article_ids=[instance.pk])


@receiver([post_save, post_delete], sender=Paragraph, dispatch_uid="archive-paragraph-index")
def paragraph_changed(sender, instance: Paragraph, **kwargs) -> None:
    queue.enqueue(article_ids=[instance.article_id])


@receiver([post_save, post_delete], sender=GlossaryEntry, dispatch_uid="archive-glossary-cache")
def glossary_changed(sender, **kwargs) -> None:
    rewrite.forget_glossary()
