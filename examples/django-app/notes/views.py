"""Views load lazily (with the URLconf, at the first request): an error here passes an import check."""

from pathlib import Path

from django.http import JsonResponse

from .models import Note


def _release() -> str:
    try:
        text = (Path(__file__).resolve().parent.parent / "REVISION").read_text(encoding="utf-8")
    except OSError:
        return "unknown"
    for line in text.splitlines():
        if line.startswith("release="):
            return line[len("release=") :].strip()
    return "unknown"


RELEASE = _release()


def health(request):
    # The database answers too: a release that cannot open it is not healthy.
    return JsonResponse({"status": "ok", "release": RELEASE, "notes": Note.objects.count()})


def notes(request):
    return JsonResponse({"notes": [n.text for n in Note.objects.order_by("id")], "release": RELEASE})


def write(request):
    # A write endpoint for load loops (the deploy tool's restore tests drive it with plain GETs);
    # a real form would POST with Django's CSRF protection.
    note = Note.objects.create(text=request.GET.get("text", "")[:200])
    return JsonResponse({"id": note.id}, status=201)
