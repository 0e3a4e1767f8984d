"""Biometric uploads streamed from Python: progress, cancellation (a token, or the asyncio
task), file-like objects, async iterables, and a FastAPI ``UploadFile`` passed straight on."""

from __future__ import annotations

import asyncio
import hashlib
import http.client
import io
import time
from typing import Any, AsyncIterator, List, Optional, Tuple

import pytest
from fastapi import FastAPI, UploadFile

import authbridge
from authbridge import BiometricKind, BiometricOutcome, BiometricProcess

from .portal_support import uvicorn_server

Sandbox = authbridge.AuthxSandbox
MIB = 1024 * 1024
SAMPLE = 64 * MIB
CHUNK = 64 * 1024


@pytest.fixture
def authx(sandbox: authbridge.Sandbox) -> authbridge.AuthxClient:
    app = authbridge.BiometricApp(Sandbox.BIOMETRIC_APPLICATION_KEY, Sandbox.BIOMETRIC_SECRET_KEY, Sandbox.HOST_NAME)
    return authbridge.AuthxClient(
        sandbox.url(authbridge.Vendor.AUTHX), Sandbox.APPLICATION_ID, Sandbox.APPLICATION_KEY, biometric_app=app
    )


def enrol(authx: authbridge.AuthxClient, name: str) -> authbridge.BiometricCall:
    guid = authx.add_user(authbridge.UserProfile(name, f"{name}@example.com", name.title(), "Test", "5551234"))
    return authbridge.BiometricCall(guid, BiometricKind.FACE, BiometricProcess.ENROL)


class CountingReader(io.RawIOBase):
    """A binary file of `size` bytes made up as it is read, recording the largest read."""

    def __init__(self, size: int) -> None:
        self.size, self.position, self.largest = size, 0, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        self.position = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.size}[whence] + offset
        return self.position

    def read(self, size: int = -1) -> bytes:
        size = self.size - self.position if size < 0 else min(size, self.size - self.position)
        self.largest = max(self.largest, size)
        self.position += size
        return b"\x5a" * size


class Progress:
    """Every `(sent, total)` call, and when each came."""

    def __init__(self) -> None:
        self.calls: List[Tuple[int, int]] = []
        self.started = time.monotonic()

    def __call__(self, sent: int, total: int) -> None:
        self.calls.append((sent, total))

    def check(self, sample_size: int) -> None:
        elapsed = time.monotonic() - self.started
        sent, total = self.calls[-1]
        assert total > sample_size and sent == total, "the last call reports the whole multipart body"
        assert all(a[0] <= b[0] and a[1] == b[1] for a, b in zip(self.calls, self.calls[1:])), self.calls
        assert 3 <= len(self.calls) <= int(elapsed * 10) + 2, f"{len(self.calls)} calls in {elapsed:.2f} s"


def wait_for_abort(sandbox: authbridge.Sandbox, since: float) -> int:
    """The stand-in notices a closed connection on its next read."""
    while sandbox.authx.aborted_uploads() == 0 and time.monotonic() - since < 1.0:
        time.sleep(0.01)
    return sandbox.authx.aborted_uploads()


def test_a_64_mib_file_like_upload_is_streamed_with_progress(
    sandbox: authbridge.Sandbox, authx: authbridge.AuthxClient
) -> None:
    call = enrol(authx, "progress")
    sandbox.authx.set_upload_rate(SAMPLE)  # about a second, so the throttle shows
    reader = CountingReader(SAMPLE)
    progress = Progress()
    result = authx.process_biometric(call, reader, on_progress=progress)
    assert result.outcome == BiometricOutcome.SUCCESS
    progress.check(SAMPLE)
    assert reader.largest <= CHUNK, "the file was read whole"
    upload = sandbox.authx.last_upload()
    assert upload is not None and upload.bytes == SAMPLE
    assert upload.content_length == progress.calls[-1][1]


def test_a_token_cancels_a_blocking_upload_mid_way(sandbox: authbridge.Sandbox, authx: authbridge.AuthxClient) -> None:
    call = enrol(authx, "cancelled")
    sandbox.authx.set_upload_rate(16 * MIB)
    cancel = authbridge.CancellationToken()
    cancelled_at: List[float] = []

    def on_progress(sent: int, total: int) -> None:
        if sent >= total // 4 and not cancel.cancelled:
            cancelled_at.append(time.monotonic())
            cancel.cancel()

    with pytest.raises(authbridge.Cancelled):
        authx.process_biometric(call, bytes(SAMPLE), on_progress=on_progress, cancel=cancel)
    assert cancelled_at and time.monotonic() - cancelled_at[0] < 1.0
    assert wait_for_abort(sandbox, cancelled_at[0]) == 1
    assert sandbox.authx.last_upload() is None


def test_cancelling_the_task_stops_an_async_iterable_upload(
    sandbox: authbridge.Sandbox, authx: authbridge.AuthxClient
) -> None:
    call = enrol(authx, "task")
    sandbox.authx.set_upload_rate(16 * MIB)
    produced = 0

    async def chunks() -> AsyncIterator[bytes]:
        nonlocal produced
        while produced < SAMPLE:
            produced += CHUNK
            yield bytes(CHUNK)

    async def run() -> float:
        cancelled_at: Optional[float] = None
        task: Optional[asyncio.Task[Any]] = None

        def on_progress(sent: int, total: int) -> None:
            nonlocal cancelled_at
            if sent >= total // 4 and cancelled_at is None and task is not None:
                cancelled_at = time.monotonic()
                task.cancel()

        upload = authx.aio.process_biometric(call, chunks(), length=SAMPLE, on_progress=on_progress)
        task = asyncio.ensure_future(upload)
        with pytest.raises(asyncio.CancelledError):
            await task
        assert cancelled_at is not None and time.monotonic() - cancelled_at < 1.0
        return cancelled_at

    cancelled_at = asyncio.run(run())
    assert produced < SAMPLE, "the iterable was drained after the cancellation"
    assert wait_for_abort(sandbox, cancelled_at) == 1


def test_what_a_sample_cannot_do_is_refused_at_the_call(authx: authbridge.AuthxClient) -> None:
    call = authbridge.BiometricCall("guid", BiometricKind.FACE, BiometricProcess.ENROL)

    async def chunks() -> AsyncIterator[bytes]:
        yield b"x"

    async def run() -> None:
        with pytest.raises(ValueError, match="length="):
            await authx.aio.process_biometric(call, chunks())

    asyncio.run(run())
    with pytest.raises(RuntimeError, match="running event loop"):
        authx.aio.process_biometric(call, b"x", on_progress=print)  # type: ignore[unused-coroutine]
    with pytest.raises(TypeError, match="asyncio client"):
        authx.process_biometric(call, chunks(), length=1)  # type: ignore[arg-type]


def test_an_asyncio_upload_may_be_made_outside_a_coroutine(
    sandbox: authbridge.Sandbox, authx: authbridge.AuthxClient
) -> None:
    call = enrol(authx, "outside")
    result = asyncio.run(authx.aio.process_biometric(call, io.BytesIO(b"face")))
    assert result.outcome == BiometricOutcome.SUCCESS
    upload = sandbox.authx.last_upload()
    assert upload is not None and upload.bytes == 4


class CountingFile:
    """Stands in front of an `UploadFile`'s spooled file and records the largest read."""

    def __init__(self, file: Any) -> None:
        self.file, self.largest = file, 0

    def read(self, size: int = -1) -> bytes:
        chunk: bytes = self.file.read(size)
        self.largest = max(self.largest, len(chunk))
        return chunk

    def __getattr__(self, name: str) -> Any:
        return getattr(self.file, name)


def test_a_fastapi_upload_file_is_streamed_on(sandbox: authbridge.Sandbox, authx: authbridge.AuthxClient) -> None:
    call = enrol(authx, "fastapi")
    app = FastAPI()

    @app.post("/face")
    async def face(sample: UploadFile) -> dict[str, Any]:
        counting = CountingFile(sample.file)
        sample.file = counting  # type: ignore[assignment]
        result = await authx.aio.process_biometric(call, sample)
        return {"outcome": result.outcome.value, "largest_read": counting.largest}

    sample = bytes(range(256)) * (8 * MIB // 256)
    boundary = "authbridge-test-boundary"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="sample"; filename="face.bin"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode() + sample + f"\r\n--{boundary}--\r\n".encode()
    with uvicorn_server(app) as url:
        connection = http.client.HTTPConnection(url.removeprefix("http://"), timeout=30)
        connection.request("POST", "/face", body, {"Content-Type": f"multipart/form-data; boundary={boundary}"})
        response = connection.getresponse()
        answer = response.read().decode()
        connection.close()
    assert response.status == 200, answer
    assert '"outcome":"success"' in answer.replace(" ", "")
    largest = int(answer.rsplit('"largest_read":', 1)[1].rstrip("}"))
    assert 0 < largest <= CHUNK, "the UploadFile was read whole"
    upload = sandbox.authx.last_upload()
    assert upload is not None and upload.sha256 == hashlib.sha256(sample).hexdigest()
