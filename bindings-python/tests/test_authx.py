"""Every AuthX operation, blocking and asyncio, and the biometric framing on its own."""

from __future__ import annotations

import asyncio
import email.parser
import email.policy
import hashlib
import json
from pathlib import Path

import pytest

import authbridge
from authbridge import BiometricKind, BiometricOutcome, BiometricProcess

Sandbox = authbridge.AuthxSandbox


@pytest.fixture
def authx(sandbox: authbridge.Sandbox) -> authbridge.AuthxClient:
    app = authbridge.BiometricApp(Sandbox.BIOMETRIC_APPLICATION_KEY, Sandbox.BIOMETRIC_SECRET_KEY, Sandbox.HOST_NAME)
    return authbridge.AuthxClient(
        sandbox.url(authbridge.Vendor.AUTHX), Sandbox.APPLICATION_ID, Sandbox.APPLICATION_KEY, biometric_app=app
    )


def alice() -> authbridge.UserProfile:
    return authbridge.UserProfile(
        "alice", "alice@example.com", "Alice", "Liddell", "5551234", country_code="+44", aliases=["al", None, "ali"]
    )


def test_access_token_is_cached_and_hidden(sandbox: authbridge.Sandbox, authx: authbridge.AuthxClient) -> None:
    token = authx.access_token()
    assert token.token_type.lower() == "bearer"
    assert token.expires_in > 0
    assert token.access_token and token.access_token not in repr(token)
    assert authx.access_token().access_token == token.access_token
    assert sandbox.authx.issued_token_count() == 1


def test_users_and_pins(sandbox: authbridge.Sandbox, authx: authbridge.AuthxClient) -> None:
    guid = authx.add_user(alice())
    stored = sandbox.authx.user(guid)
    assert stored is not None
    assert (stored.user_name, stored.country_code, stored.aliases[:3]) == ("alice", "+44", ["al", None, "ali"])
    assert sandbox.authx.last_request("authx.AddUser")["name"]["first_Name"] == "Alice"  # type: ignore[index]

    renamed = authbridge.UserProfile("alice", "alice@new.example", "Alice", "Pleasance", "5551234")
    assert authx.update_user(guid, renamed) == guid
    assert sandbox.authx.user(guid).email == "alice@new.example"  # type: ignore[union-attr]

    authx.generate_pin(guid, "4711")
    assert authx.verify_pin(guid, "4711").verified
    wrong = authx.verify_pin(guid, "0000")
    assert not wrong and wrong.verified is False and wrong.subcode is not None
    assert "4711" not in repr(wrong) + repr(sandbox.authx.last_request("authx.VerifyPin") and "")

    authx.delete_user(guid)
    assert sandbox.authx.user(guid) is None
    with pytest.raises(authbridge.VendorError) as gone:
        authx.verify_pin(guid, "4711")
    assert gone.value.vendor is authbridge.Vendor.AUTHX


def test_invalid_profile_is_refused_before_sending(sandbox: authbridge.Sandbox, authx: authbridge.AuthxClient) -> None:
    with pytest.raises(authbridge.InvalidInput) as refused:
        authx.add_user(authbridge.UserProfile("", "a@example.com", "A", "B", "1"))
    assert refused.value.field == "user_name"
    with pytest.raises(authbridge.InvalidInput):
        authbridge.UserProfile("a", "a@example.com", "A", "B", "1", aliases=["1", "2", "3", "4", "5", "6"])
    assert sandbox.request_count("authx.AddUser") == 0


def test_expired_token_is_renewed_once(sandbox: authbridge.Sandbox, authx: authbridge.AuthxClient) -> None:
    guid = authx.add_user(alice())
    sandbox.authx.expire_tokens()
    authx.generate_pin(guid, "1234")
    assert sandbox.authx.issued_token_count() == 2


def test_wrong_application_key_is_unauthorized(sandbox: authbridge.Sandbox) -> None:
    client = authbridge.AuthxClient(sandbox.url("authx"), Sandbox.APPLICATION_ID, "wrong-key")
    with pytest.raises(authbridge.Unauthorized):
        client.access_token()


def test_biometric_enrol_verify_delete(sandbox: authbridge.Sandbox, authx: authbridge.AuthxClient, tmp_path: Path) -> None:
    guid = authx.add_user(alice())
    face = bytes(range(256)) * 1000
    enrol = authbridge.BiometricCall(guid, BiometricKind.FACE, BiometricProcess.ENROL, correlation_id="corr-1")
    result = authx.process_biometric(enrol, face)
    assert result.outcome is BiometricOutcome.SUCCESS and result.success
    assert result.correlation_id == "corr-1"
    upload = sandbox.authx.last_upload()
    assert upload is not None
    assert upload.bytes == len(face) and upload.sha256 == hashlib.sha256(face).hexdigest()
    assert upload.content_length is not None

    sample = tmp_path / "face.bin"
    sample.write_bytes(face)
    verify = authbridge.BiometricCall(guid, "face", "verify")
    assert authx.process_biometric(verify, sample).outcome is BiometricOutcome.SUCCESS
    assert authx.process_biometric(verify, str(sample)).success
    assert authx.process_biometric(verify, b"someone else").outcome is BiometricOutcome.FACE_NOT_MATCH

    sandbox.authx.queue_biometric_outcome(3)
    assert authx.process_biometric(verify, face).outcome is BiometricOutcome.FACE_QUALITY_POOR

    delete = authbridge.BiometricCall(guid, BiometricKind.FACE, BiometricProcess.DELETE)
    assert authx.process_biometric(delete, face).success
    assert sandbox.authx.user(guid).enrolled == []  # type: ignore[union-attr]

    with pytest.raises(authbridge.IoError):
        authx.process_biometric(verify, tmp_path / "missing.bin")


def test_frame_on_its_own_is_valid_multipart(authx: authbridge.AuthxClient) -> None:
    app = authbridge.BiometricApp("app-key", "secret-key-123", "hu1tjtwu")
    call = authbridge.BiometricCall("guid-1", BiometricKind.FINGER, BiometricProcess.ENROL)
    sample = b"\x00\x01fingerprint\xff" * 100
    frame = authbridge.BiometricFrame.new(app, call, sample)
    assert frame.content_type == f"multipart/form-data; boundary={frame.boundary}"
    assert "secret-key-123" not in repr(frame) + repr(app)
    body = b"".join(frame.chunks())
    assert len(body) == frame.content_length
    with pytest.raises(RuntimeError):
        frame.read()

    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + frame.content_type.encode() + b"\r\n\r\n" + body
    )
    parts = {part.get_param("name", header="content-disposition"): part for part in message.iter_parts()}
    process = json.loads(parts["processBiometrics"].get_content())
    assert process["user_name"] == "guid-1" and process["authentication_id"] == 1
    assert parts["biometricdata"].get_filename() == "blob"
    assert parts["biometricdata"].get_content() == sample

    # The client frames with its own application, for hosts that send the body themselves.
    own = authx.biometric_frame(call, sample)
    assert own.read().count(sample) == 1


def test_asyncio_twin(sandbox: authbridge.Sandbox, authx: authbridge.AuthxClient) -> None:
    aio = authx.aio

    async def run() -> None:
        guid = await aio.add_user(alice())
        await aio.generate_pin(guid, "2468")
        checks = await asyncio.gather(*(aio.verify_pin(guid, pin) for pin in ("2468", "1357") * 50))
        assert [c.verified for c in checks] == [True, False] * 50
        call = authbridge.BiometricCall(guid, BiometricKind.PALM, BiometricProcess.ENROL)
        assert (await aio.process_biometric(call, b"palm")).success
        assert (await aio.access_token()).access_token
        assert await aio.update_user(guid, alice()) == guid
        await aio.delete_user(guid)

    asyncio.run(run())
    assert sandbox.authx.user_count() == 0
