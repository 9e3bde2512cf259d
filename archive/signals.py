"""Every saved or deleted article or paragraph queues its article for reindexing; a saved or
deleted article that is a copy in a group has the groups re-read (its date chooses the article a
group shows; its deletion shrinks the group); a glossary edit drops this process's copy of the
glossary."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from archive import copies
from archive.models import Article, Fingerprint, GlossaryEntry, Paragraph
from archive.search import queue, rewrite


@receiver([post_save, post_delete], sender=Article, dispatch_uid="archive-article-index")
def article_changed(sender, instance: Article, **kwargs) -> None:
    queue.enqueue(article_ids=[instance.pk])


@receiver(post_save, sender=Article, dispatch_uid="archive-article-copies")
def article_saved(sender, instance: Article, **kwargs) -> None:
    if Fingerprint.objects.filter(article_id=instance.pk, group__isnull=False).exists():
        copies.groups_changed()


@receiver(post_delete, sender=Fingerprint, dispatch_uid="archive-fingerprint-deleted")
def fingerprint_deleted(sender, instance: Fingerprint, **kwargs) -> None:
    if instance.group is not None:
        copies.groups_changed()


@receiver([post_save, post_delete], sender=Paragraph, dispatch_uid="archive-paragraph-index")
def paragraph_changed(sender, instance: Paragraph, **kwargs) -> None:
    queue.enqueue(article_ids=[instance.article_id])


@receiver([post_save, post_delete], sender=GlossaryEntry, dispatch_uid="archive-glossary-cache")
def glossary_changed(sender, **kwargs) -> None:
    rewrite.forget_glossary()
