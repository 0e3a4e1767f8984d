#!/usr/bin/env python3
"""Prints the current RFC 6238 code (SHA-1, 6 digits, 30 s) of a base32 key, as an
authenticator app would show it. Usage: totp.py BASE32KEY"""

import base64
import hashlib
import hmac
import struct
import sys
import time


def totp(key_base32, now=None):
    key = base64.b32decode(key_base32.upper() + "=" * (-len(key_base32) % 8))
    counter = int((time.time() if now is None else now) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return "%06d" % (value % 1000000)


if __name__ == "__main__":
    # RFC 6238 appendix B, SHA-1 at T = 59 s: 94287082, of which 6 digits are 287082.
    assert totp(base64.b32encode(b"12345678901234567890").decode(), 59) == "287082"
    print(totp(sys.argv[1]))
