"""Content-Encoding decoders that never hand back more than a small piece at a time.

A compressed response can inflate a thousandfold (gzip) or a millionfold (brotli): a few KB on
the wire become gigabytes in memory if one network chunk is decoded in one call, which is what
general-purpose HTTP clients do. These decoders yield at most `PIECE` bytes per step, so the
caller can count decoded bytes and stop at its limit while memory stays near that limit.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import Protocol

try:
    import brotli
except ImportError:  # pragma: no cover - brotli is a declared dependency
    brotli = None

PIECE = 64 * 1024


class DecodingError(ValueError):
    """The body is not valid for the Content-Encoding the server declared."""


class Decoder(Protocol):
    def feed(self, data: bytes) -> Iterator[bytes]: ...
    def flush(self) -> Iterator[bytes]: ...


def accept_encoding() -> str:
    """What we ask for: only what we can decode with a bound."""
    return "gzip, deflate, br" if brotli is not None else "gzip, deflate"


def decoder_for(content_encoding: str | None) -> Decoder:
    """A decoder for a Content-Encoding header value; raises DecodingError for unknown ones."""
    names = [n.strip().lower() for n in (content_encoding or "").split(",")]
    names = [n for n in names if n and n != "identity"]
    stages: list[Decoder] = []
    for name in reversed(names):  # "gzip, br" means gzip was applied first, br last
        if name in ("gzip", "x-gzip"):
            stages.append(_Zlib(zlib.MAX_WBITS | 32))  # 32: accept a gzip or zlib header
        elif name == "deflate":
            stages.append(_Zlib(zlib.MAX_WBITS, raw_fallback=True))
        elif name == "br" and brotli is not None:
            stages.append(_Brotli())
        else:
            raise DecodingError(f"unsupported Content-Encoding {name!r}")
    if not stages:
        return _Identity()
    return stages[0] if len(stages) == 1 else _Chain(stages)


class _Identity:
    def feed(self, data: bytes) -> Iterator[bytes]:
        for start in range(0, len(data), PIECE):
            yield data[start : start + PIECE]

    def flush(self) -> Iterator[bytes]:
        return iter(())


class _Zlib:
    def __init__(self, wbits: int, *, raw_fallback: bool = False) -> None:
        self._d = zlib.decompressobj(wbits)
        # "deflate" is meant to be zlib-wrapped, but some servers send raw deflate.
        self._raw_fallback = raw_fallback
        self._started = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        while data and not self._d.eof:
            try:
                out = self._d.decompress(data, PIECE)
            except zlib.error as e:
                if self._raw_fallback and not self._started:
                    self._d = zlib.decompressobj(-zlib.MAX_WBITS)
                    self._raw_fallback = False
                    continue
                raise DecodingError(f"invalid compressed data ({e})") from None
            self._started = True
            if out:
                yield out
            data = self._d.unconsumed_tail

    def flush(self) -> Iterator[bytes]:
        return iter(())  # decompress() already emits all it can; a truncated tail is dropped


class _Brotli:
    def __init__(self) -> None:
        assert brotli is not None
        self._d = brotli.Decompressor()

    def feed(self, data: bytes) -> Iterator[bytes]:
        try:
            out = self._d.process(data, output_buffer_limit=PIECE)
            if out:
                yield out
            while not self._d.can_accept_more_data():
                out = self._d.process(b"", output_buffer_limit=PIECE)
                if out:
                    yield out
        except brotli.error as e:
            raise DecodingError(f"invalid brotli data ({e})") from None

    def flush(self) -> Iterator[bytes]:
        try:
            while not self._d.is_finished():
                out = self._d.process(b"", output_buffer_limit=PIECE)
                if not out:
                    return
                yield out
        except brotli.error as e:
            raise DecodingError(f"invalid brotli data ({e})") from None


class _Chain:
    """Several encodings in a row; each piece flows through lazily, so the bound holds."""

    def __init__(self, stages: list[Decoder]) -> None:
        self._stages = stages

    def feed(self, data: bytes) -> Iterator[bytes]:
        return self._through(1, self._stages[0].feed(data))

    def flush(self) -> Iterator[bytes]:
        for i, stage in enumerate(self._stages):
            yield from self._through(i + 1, stage.flush())

    def _through(self, index: int, pieces: Iterator[bytes]) -> Iterator[bytes]:
        if index == len(self._stages):
            yield from pieces
            return
        for piece in pieces:
            yield from self._through(index + 1, self._stages[index].feed(piece))
