"""Enumerations. Each value is core's stable snake_case name, the same in every language."""

from __future__ import annotations

import enum


class Vendor(str, enum.Enum):
    """The vendors authbridge speaks to."""

    NEVIS = "nevisidm"
    AUTHX = "authx"
    DESCOPE = "descope"
    OTPONE = "otpone"
    NOPASS = "nopass"


class LoginStatusCode(str, enum.Enum):
    """``statusCode`` of a nevisIDM login (5 OK; 2 failed; 3 lock warning; 4 locked; 9 locked
    for a while). ``OTHER`` is a code this version does not know, treated as a failure."""

    OK = "ok"
    FAILED = "failed"
    FAILED_LOCK_WARNING = "failed_lock_warning"
    FAILED_LOCKED = "failed_locked"
    FAILED_TEMPORARILY_LOCKED = "failed_temporarily_locked"
    OTHER = "other"
