"""Parses ProcessBiometric bodies framed by authbridge with an independent multipart parser
(the `multipart` package) and checks every byte of the sample comes back unchanged.

Usage: python authx_multipart_check.py <authx_frame binary> <work dir>
"""

import json
import os
import random
import subprocess
import sys

import multipart

BOUNDARY_LIKE = b"\r\n--authbridge-00000000000000000000000000000000\r\n"


def cases():
    rng = random.Random(20240322)
    noisy = bytearray(rng.randbytes(1 << 20))
    for offset in range(0, len(noisy) - 64, 4099):
        noisy[offset : offset + 8] = b"\r\n--\r\n--"
    return {
        "crlf-and-dashes": b"\r\n--\r\n\r\n----\r\n" + BOUNDARY_LIKE + b"--\r\n",
        "every-byte-value": bytes(range(256)) * 3,
        "ends-like-a-delimiter": b"\x89PNG\r\n\x1a\n" + b"\r\n--",
        "only-dashes": b"--",
        "one-mib-noise": bytes(noisy),
        "empty": b"",
    }


def check(binary, work, name, sample):
    sample_path = os.path.join(work, f"{name}.sample")
    body_path = os.path.join(work, f"{name}.body")
    with open(sample_path, "wb") as f:
        f.write(sample)
    out = subprocess.run([binary, sample_path, body_path], check=True, capture_output=True, text=True)
    meta = json.loads(out.stdout)
    media, options = multipart.parse_options_header(meta["content_type"])
    assert media == "multipart/form-data", media
    boundary = options["boundary"]
    body_len = os.path.getsize(body_path)
    assert meta["content_length"] == body_len, (meta["content_length"], body_len)

    with open(body_path, "rb") as f:
        parser = multipart.MultipartParser(f, boundary, content_length=body_len, strict=True)
        parts = list(parser)
    names = [p.name for p in parts]
    assert names == ["processBiometrics", "biometricdata"], names

    json_part, data_part = parts
    assert json_part.filename is None, json_part.filename
    process = json.loads(json_part.raw)
    assert process["user_name"] == meta["user_name"]
    assert process["authentication_id"] == meta["authentication_id"]
    assert process["process_type"] == meta["process_type"]
    assert process["correlation_id"] == meta["correlation_id"]
    assert set(process["application_parameters"]) == {"application_key", "secret_key", "host_name"}
    assert process["device_data"]["src_user_id"] == 0 and process["src_user_id"] == 0

    assert data_part.filename == "blob", data_part.filename
    assert data_part.content_type == "application/octet-stream", data_part.content_type
    assert data_part.raw == sample, f"{name}: {len(data_part.raw)} bytes back for {len(sample)} sent"
    for part in parts:
        part.close()
    print(f"  {name}: {len(sample)} bytes round-trip, boundary {boundary}")
    return boundary


def main():
    binary, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    boundaries = {check(binary, work, name, sample) for name, sample in cases().items()}
    assert len(boundaries) == len(cases()), "boundaries repeat"
    print("authx multipart framing: every sample parsed back byte for byte")


if __name__ == "__main__":
    main()
