"""Response headers every page needs."""

from django.utils.cache import patch_cache_control


class PrivatePagesNotStoredMiddleware:
    """A page rendered for a signed-in person may show their full ID number, phone, pickup code or
    case (the owner sees them unmasked): no browser or proxy may keep it — halls and libraries have
    shared computers, and the back button after logout must not show it again. Anonymous public
    pages (the catalog, guides) stay cacheable."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            patch_cache_control(response, no_store=True, private=True)
        return response
