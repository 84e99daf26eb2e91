"""Public files of the catalog (result samples, blank forms, filled samples) at their MEDIA_URL.

Only the `catalog/` part of the media directory is public; applicants' uploads and case documents
live beside it and are served by the cases app after an access check. Files go out as downloads
with a sandboxing CSP, so a crafted file can never run as a page of this site. In production
behind nginx or with S3 storage the same headers are set there (docs/deploy.md); this view serves
the embedded demo and any deployment that lets Django serve them."""

from pathlib import Path

from django.conf import settings
from django.views.decorators.http import require_GET
from django.views.static import serve

PUBLIC_PREFIX = "catalog"


@require_GET
def public_media(request, path: str):
    response = serve(request, path, document_root=Path(settings.MEDIA_ROOT) / PUBLIC_PREFIX)
    response["Content-Disposition"] = f'attachment; filename="{Path(path).name}"'
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["X-Content-Type-Options"] = "nosniff"
    return response
