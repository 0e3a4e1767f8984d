"""``Sandbox.nopass``: the NoPass server stand-in's control helpers (operations ``nopass.*``),
including its driver, which sends a portal the callbacks the real NoPass server sends. The
driver's calls release the GIL (blocking) or await (``.aio``), so the portal they call may be
served by this very process."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Optional, cast

from ._control import AsyncControl, Control, Group


@dataclass(frozen=True)
class SimPortal:
    """The portal as the stand-in registered it."""

    portal_id: str
    #: The bearer token the stand-in expects on the portal's calls.
    auth_token: str
    #: The sCode the portal answered in pre-registration.
    s_code: str


@dataclass(frozen=True)
class SimPreRegistration:
    """A PreRegisterUser the stand-in received, waiting for the user to register (with its
    ``otp``: a test double may show it)."""

    user_id: str
    otp: str
    register_link: str
    client_ip: Optional[str]
    redirect_url: Optional[str]
    given_name: Optional[str]
    sur_name: Optional[str]
    phone_number: Optional[str]
    email: Optional[str]


@dataclass(frozen=True)
class CallbackReply:
    """A portal's answer to one callback, and what it means."""

    status: int
    #: The body as JSON; None when empty, a string when it is not JSON.
    body: Any
    #: 200 with an empty ``errors`` list (or a bare answer).
    success: bool
    #: The envelope's ``result``, or the bare body.
    result: Any
    #: The first error's ``code`` and ``message``.
    error_code: Optional[str]
    error_message: Optional[str]


def _reply(answer: Any) -> CallbackReply:
    return CallbackReply(**answer)


class NoPassSandbox(Group):
    """The NoPass server stand-in: its users and registrations, and (blocking) the callbacks it
    sends to the portal at ``set_portal_url(...)``. ``.aio`` has the same callbacks for asyncio."""

    _group = "nopass"

    def __init__(self, control: Control, control_async: AsyncControl) -> None:
        super().__init__(control)
        self._control_async = control_async

    @property
    def aio(self) -> AsyncNoPassSandbox:
        return AsyncNoPassSandbox(self._control_async)

    def set_portal_url(self, url: str) -> None:
        """Where the portal's callbacks go (its base URL; the callback path is appended)."""
        self._run("set_portal_url", url=url)

    def portal_url(self) -> Optional[str]:
        return cast(Optional[str], self._run("portal_url"))

    def set_portal_urls(self, urls: List[str]) -> None:
        """A portal running as several replicas: each callback goes to the next URL in turn."""
        self._run("set_portal_urls", urls=urls)

    def set_redeliveries(self, times: int) -> None:
        """Redelivers a callback up to ``times`` more times (to the next replica) when a replica
        cannot be reached or answers 503, as the NoPass server retries. 0 by default."""
        self._run("set_redeliveries", times=times)

    def registration(self) -> Optional[SimPortal]:
        """The portal as the stand-in registered it."""
        portal = self._run("registration")
        return None if portal is None else SimPortal(**portal)

    def set_registration(self, portal_id: str, auth_token: str, s_code: str) -> None:
        """Takes the portal as registered without calling it (for a portal a test registered
        by handing it the callbacks itself, e.g. behind an access policy the stand-in's own
        calls cannot pass)."""
        portal = {"portal_id": portal_id, "auth_token": auth_token, "s_code": s_code}
        self._run("set_registration", portal=portal)

    def add_user(self, user_id: str) -> None:
        """Makes ``user_id`` a NoPass user who can log in."""
        self._run("add_user", user_id=user_id)

    def has_user(self, user_id: str) -> bool:
        return cast(bool, self._run("has_user", user_id=user_id))

    def pre_registration(self, user_id: str) -> Optional[SimPreRegistration]:
        """The PreRegisterUser the stand-in received for ``user_id``."""
        found = self._run("pre_registration", user_id=user_id)
        return None if found is None else SimPreRegistration(**found)

    def last_auth_id(self, user_id: str) -> Optional[str]:
        """The ``authId`` of the last login started for ``user_id``."""
        return cast(Optional[str], self._run("last_auth_id", user_id=user_id))

    def login_user(self, auth_id: str) -> Optional[str]:
        """The user a login ``auth_id`` belongs to."""
        return cast(Optional[str], self._run("login_user", auth_id=auth_id))

    # The driver: each call below sends the portal one or more callbacks.

    def send(self, callback: str, body: Dict[str, Any]) -> CallbackReply:
        """POSTs ``body`` to the portal's callback ``callback`` and returns the answer."""
        return _reply(self._run("send", callback=callback, body=body))

    def register_portal(self, admin_id: str) -> SimPortal:
        """Registers the portal as the NoPass console does (ConfirmPreRegistration, then
        ConfirmRegistration)."""
        return SimPortal(**self._run("register_portal", admin_id=admin_id))

    def complete_user_registration(self, user_id: str) -> str:
        """Completes the registration ``user_id`` started with PreRegisterUser; returns the
        session's ``authId``."""
        return cast(str, self._run("complete_user_registration", user_id=user_id))

    def register_user_from_server(self, login: str, email: Optional[str] = None) -> str:
        """A registration the NoPass server starts itself; returns the session's ``authId``."""
        return cast(str, self._run("register_user_from_server", login=login, email=email))

    def update_picture(self, auth_id: str) -> CallbackReply:
        """UpdatePicture with a fresh picture for the login ``auth_id``."""
        return _reply(self._run("update_picture", auth_id=auth_id))

    def authorize(self, auth_id: str, authorized: bool, reason: Optional[str] = None) -> CallbackReply:
        """AuthorizedUser: the person approved (``True``) or denied the login."""
        return _reply(self._run("authorize", auth_id=auth_id, authorized=authorized, reason=reason))

    def drive_login(self, auth_id: str, pictures: int, authorized: bool) -> None:
        """A whole login: ``pictures`` UpdatePictures, then the decision."""
        self._run("drive_login", auth_id=auth_id, pictures=pictures, authorized=authorized)

    def close_session(self, auth_id: str) -> CallbackReply:
        return _reply(self._run("close_session", auth_id=auth_id))

    def update_user(self, user_id: str, updates: Dict[str, Any]) -> CallbackReply:
        """UpdateUser with ``updates`` shaped as the seed does (``{"givenName": {"newValue": ...}}``)."""
        return _reply(self._run("update_user", user_id=user_id, updates=updates))

    def delete_user(self, user_id: str) -> CallbackReply:
        return _reply(self._run("delete_user", user_id=user_id))

    def add_users(self, users: List[Dict[str, Any]]) -> CallbackReply:
        """AddUsers with ``users`` (``{givenName, surName, phoneNumber, email, login,
        isUseEmailAsLogin}`` dicts)."""
        return _reply(self._run("add_users", users=users))

    def disable_service(self) -> CallbackReply:
        return _reply(self._run("disable_service"))


class AsyncNoPassSandbox:
    """The NoPass stand-in's callbacks for asyncio (for a portal served on the same loop):
    each method is :class:`NoPassSandbox`'s of the same name."""

    def __init__(self, control: AsyncControl) -> None:
        self._control = control

    async def _run(self, operation: str, **arguments: Any) -> Any:
        return await self._control({"op": f"nopass.{operation}", **arguments})

    async def send(self, callback: str, body: Dict[str, Any]) -> CallbackReply:
        return _reply(await self._run("send", callback=callback, body=body))

    async def register_portal(self, admin_id: str) -> SimPortal:
        return SimPortal(**await self._run("register_portal", admin_id=admin_id))

    async def complete_user_registration(self, user_id: str) -> str:
        return cast(str, await self._run("complete_user_registration", user_id=user_id))

    async def register_user_from_server(self, login: str, email: Optional[str] = None) -> str:
        return cast(str, await self._run("register_user_from_server", login=login, email=email))

    async def update_picture(self, auth_id: str) -> CallbackReply:
        return _reply(await self._run("update_picture", auth_id=auth_id))

    async def authorize(self, auth_id: str, authorized: bool, reason: Optional[str] = None) -> CallbackReply:
        return _reply(await self._run("authorize", auth_id=auth_id, authorized=authorized, reason=reason))

    async def drive_login(self, auth_id: str, pictures: int, authorized: bool) -> None:
        await self._run("drive_login", auth_id=auth_id, pictures=pictures, authorized=authorized)

    async def close_session(self, auth_id: str) -> CallbackReply:
        return _reply(await self._run("close_session", auth_id=auth_id))

    async def update_user(self, user_id: str, updates: Dict[str, Any]) -> CallbackReply:
        return _reply(await self._run("update_user", user_id=user_id, updates=updates))

    async def delete_user(self, user_id: str) -> CallbackReply:
        return _reply(await self._run("delete_user", user_id=user_id))

    async def add_users(self, users: List[Dict[str, Any]]) -> CallbackReply:
        return _reply(await self._run("add_users", users=users))

    async def disable_service(self) -> CallbackReply:
        return _reply(await self._run("disable_service"))
