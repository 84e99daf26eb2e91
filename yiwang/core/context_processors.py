ELDER_COOKIE = "yiwang_elder"


def display_preferences(request):
    """The elder-friendly large-type mode persists in a cookie, so it holds before login too."""
    return {"elder_mode": request.COOKIES.get(ELDER_COOKIE) == "1"}
