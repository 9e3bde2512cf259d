"""Request middleware for the archive."""

from archive.search import queue


class IndexInBackgroundMiddleware:
    """Index changes committed by a request are applied in a background thread (archive.search.queue)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        with queue.in_web_request():
            return self.get_response(request)
