"""Hosted pictures' renditions at `/media/<sha256>-<width>.<webp|jpg>`.

A name is the picture's content (the SHA-256 of the agency's bytes) and the rendition's size,
so what a URL answers never changes: it is sent with a year's `immutable` caching and an ETag
of its name, and a revalidation gets 304. Only names of that exact shape are served, from
`<data_dir>/media/` (store/public/media.py): nothing else on the disk, and never an original.
The files were written by the picture fetcher; the site only reads them.
"""

from __future__ import annotations

from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, Response

from wiredesk.channels.web.assets import FOREVER
from wiredesk.store.public.media import RENDITION_TYPES, parse_rendition_name, rendition_path


class MediaFiles:
    """The handler for `/media/{name}` over the renditions under `root`."""

    def __init__(self, root: Path) -> None:
        self.root = root

    async def serve(self, request: Request) -> Response:
        name = request.path_params["name"]
        parsed = parse_rendition_name(name)
        if parsed is None:
            raise HTTPException(status_code=404)
        sha256, width, ext = parsed
        path = rendition_path(self.root, sha256, width, ext)
        etag = f'"{sha256[:32]}-{width}-{ext}"'
        headers = {"Cache-Control": FOREVER, "ETag": etag}
        if not path.is_file():
            raise HTTPException(status_code=404)
        if etag in request.headers.get("if-none-match", ""):
            return Response(status_code=304, headers=headers)
        return FileResponse(path, media_type=RENDITION_TYPES[ext], headers=headers)
