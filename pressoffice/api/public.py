"""The public release API: what the newsroom shows, as JSON, for anyone.

Only the approved public revision of a release whose embargo has lifted is ever answered. A
release that is not public yet gets exactly the answer of one that never existed.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify, request, url_for

from ..auth import public
from ..public.caching import shared_cache
from ..services import releases as service
from ..timefmt import iso_utc
from . import bp


def public_release_json(release: service.PublicRelease, *, full: bool) -> dict[str, Any]:
    """A public release; ``full`` adds the body, quotes, links and notes (the list leaves
    them out to stay small)."""
    answer: dict[str, Any] = {
        "slug": release.slug,
        "title": release.title,
        "summary": release.summary,
        "status": release.status,
        "published_at": iso_utc(release.published_at),
        "updated_at": iso_utc(release.updated_at),
        "change_note": release.change_note,
        "url": url_for("api.public_release", slug=release.slug, _external=True),
    }
    if release.withdrawn:
        answer["withdrawn_at"] = iso_utc(release.withdrawn_at)
        answer["withdrawal_reason"] = release.withdrawal_reason
    if full:
        rendered = release.rendered()
        answer.update(
            {
                "body": release.content.body,
                "body_html": rendered.body_html,
                "quotes": [
                    {"speaker": q.speaker, "role": q.role, "text": q.text}
                    for q in release.content.quotes
                ],
                "links": [{"label": x.label, "url": x.url} for x in rendered.links],
                "notes": list(release.content.notes),
                "contact_notes": rendered.contact_notes,
                "attachments": [
                    {
                        "filename": a.get("filename"),
                        "size": a.get("size"),
                        "sha256": a.get("sha256"),
                    }
                    for a in release.content.attachments
                ],
                "corrections": [
                    {"approved_at": iso_utc(c.approved_at), "note": c.note}
                    for c in release.corrections
                ],
            }
        )
    return answer


@bp.get("/public/releases")
@public
@shared_cache
def public_releases():
    found = service.list_public_releases(
        page=request.args.get("page", 1),
        per_page=request.args.get("per_page", service.DEFAULT_PER_PAGE),
    )
    return jsonify(
        {
            "releases": [public_release_json(r, full=False) for r in found.items],
            "page": found.page,
            "per_page": found.per_page,
            "total": found.total,
        }
    )


@bp.get("/public/releases/<slug>")
@public
@shared_cache
def public_release(slug: str):
    return jsonify(public_release_json(service.load_public_release(slug), full=True))
