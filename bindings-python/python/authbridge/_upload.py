"""Coroutines the native module runs on the caller's event loop to pull an async sample one
chunk at a time (``process_biometric`` on an ``UploadFile`` or an async iterable)."""

from __future__ import annotations

from typing import AsyncIterator, Awaitable, Protocol


class AsyncReader(Protocol):
    def read(self, size: int) -> Awaitable[bytes]: ...


async def read_chunk(reader: AsyncReader, size: int) -> bytes:
    """Up to ``size`` bytes; ``b""`` at the end."""
    return await reader.read(size)


async def next_chunk(iterator: AsyncIterator[bytes]) -> bytes:
    """The next non-empty item; ``b""`` at the end."""
    async for item in _Rest(iterator):
        if item:
            return item
    return b""


class _Rest:
    """The rest of ``iterator``, without asking it for a new iterator."""

    def __init__(self, iterator: AsyncIterator[bytes]) -> None:
        self._iterator = iterator

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self._iterator
