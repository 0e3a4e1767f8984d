"""The socket peer an adapter hands the portal, as an IP address or nothing.

Servers report the peer as text, and not always as an address: a Unix socket gives ``""`` or
no peer at all, test clients give names such as ``"testclient"``, IPv6 link-local peers carry
a zone (``fe80::1%eth0``). Anything that is not an address becomes ``None``: the portal then
fails any source check (it never guesses), and a shared-secret policy works as before.
"""

from __future__ import annotations

import ipaddress
from typing import Optional


def socket_peer(host: object) -> Optional[str]:
    """``host`` as the portal's ``peer`` argument: a plain IP address, or None."""
    if not isinstance(host, str) or not host:
        return None
    address = host.split("%", 1)[0]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None
