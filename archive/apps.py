from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "archive"
    verbose_name = "COVID-19 briefings archive"

    def ready(self) -> None:
        from archive import security, signals  # noqa: F401 - connect the index and login-throttle signals
