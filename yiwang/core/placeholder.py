"""SCAFFOLDING ONLY — replaced by each app's real views as its issue lands. Nothing may ship using it."""

from django.shortcuts import render


def placeholder(title):
    def view(request, *args, **kwargs):
        return render(request, "core/placeholder.html", {"title": title})

    return view
