"""Real pictures made with Pillow, and a real HTTP server on 127.0.0.1 that serves them."""

from __future__ import annotations

import contextlib
import io
import struct
import threading
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from PIL import Image, ImageDraw


def photo(width: int, height: int, *, kind: str = "JPEG", orientation: int | None = None) -> bytes:
    """A drawn picture (sky, sun, ground) as `kind`; with an EXIF orientation and a camera
    name and GPS block when `orientation` is given."""
    image = Image.new("RGB", (width, height), (70, 130, 200))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, height * 2 // 3, width, height), fill=(60, 140, 60))
    draw.ellipse((width // 8, height // 8, width // 3, height // 3), fill=(250, 210, 60))
    buffer = io.BytesIO()
    options: dict[str, object] = {}
    if orientation is not None:
        exif = Image.Exif()
        exif[0x0112] = orientation
        exif[0x010F] = "Camera Maker"
        exif[0x8825] = {1: "N", 2: (28.0, 36.0, 0.0)}  # GPS: where the photographer stood
        options["exif"] = exif.tobytes()
    if kind == "JPEG":
        options["quality"] = 90
    image.save(buffer, kind, **options)
    return buffer.getvalue()


def declared_png(width: int, height: int) -> bytes:
    """A tiny PNG whose header declares `width`×`height` pixels (a decompression bomb's
    first move: Pillow reads the size before any pixel)."""
    buffer = io.BytesIO()
    Image.new("RGB", (1, 1)).save(buffer, "PNG")
    data = bytearray(buffer.getvalue())
    ihdr = data.index(b"IHDR")
    data[ihdr + 4 : ihdr + 12] = struct.pack(">II", width, height)
    crc = zlib.crc32(bytes(data[ihdr : ihdr + 17])) & 0xFFFFFFFF
    data[ihdr + 17 : ihdr + 21] = struct.pack(">I", crc)
    return bytes(data)


@dataclass
class PictureServer:
    """Serves `files` (path -> (status, bytes, content type)); records each request."""

    port: int = 0
    files: dict[str, tuple[int, bytes, str]] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def paths(self) -> list[str]:
        return [path for path, _ in self.requests]


@contextlib.contextmanager
def picture_server() -> Iterator[PictureServer]:
    state = PictureServer()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
            found = state.files.get(self.path)
            if found is None:
                self.send_error(404, "Not Found")
                return
            status, body, kind = found
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    state.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
