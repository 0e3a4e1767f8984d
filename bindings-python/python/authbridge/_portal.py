"""NoPass portal: the events the callbacks hand to hooks, and the hooks base class.

The native module calls :func:`_dispatch` for a plain hook from a worker thread (never the
event loop's), with the GIL taken for the call only, and :func:`_schedule` for an ``async def``
hook, whose coroutine then runs on the event loop that handles the callback. Events are frozen
dataclasses built from core's JSON form of each event; none carries a secret (no ``authId``,
``otp``, ``authToken`` or ``adminId``). A login is named by its browser handle, which a
``repr`` leaves out (it is what ``redeem_login`` takes).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import inspect
import json
import re
from dataclasses import dataclass, field
from typing import Any, Awaitable, Dict, List, Optional, Union

from ._enums import RegistrationOrigin


@dataclass(frozen=True)
class PreRegistration:
    """ConfirmPreRegistration (seed 1) passed the ``adminId`` check; the answer is ``r + 1``."""

    r: int


@dataclass(frozen=True)
class Registration:
    """ConfirmRegistration (seed 2): the portal is about to be bound to ``portal_id``."""

    portal_id: str
    settings: Optional[str] = None


@dataclass(frozen=True)
class PictureUpdate:
    """UpdatePicture (seed 3): a new picture/code (base64 PNG) for a pending login."""

    handle: str = field(repr=False)
    user_id: str
    image: str = field(repr=False)
    next_change_ms: int
    reported_user_id: Optional[str] = None


@dataclass(frozen=True)
class UserRegistrationCheck:
    """ValidateUserRegistration (seed 4): may this user be registered? Return True to accept.

    Decide on ``origin == "portal"`` and ``user_id`` (the portal's own id, given to
    ``pre_register_user``) only: the other fields came from the caller and prove nothing."""

    origin: RegistrationOrigin
    user_id: Optional[str] = None
    given_name: Optional[str] = None
    sur_name: Optional[str] = None
    phone_number: Optional[str] = None
    email: Optional[str] = None
    login: Optional[str] = None
    profile_image_url: Optional[str] = None


@dataclass(frozen=True)
class UserRegistration:
    """ConfirmUserRegistration (seed 5): the registration's ``otp`` matched. A portal-started
    one authorised the session under ``handle`` (redeem it like a login)."""

    origin: RegistrationOrigin
    user_id: Optional[str] = None
    handle: Optional[str] = field(default=None, repr=False)
    login: Optional[str] = None


@dataclass(frozen=True)
class AuthorizationResult:
    """AuthorizedUser (seed 6): the login is decided. Authorised is not signed in: the host
    signs the user in when ``redeem_login(handle)`` succeeds."""

    handle: str = field(repr=False)
    user_id: str
    authorized: bool
    reason: Optional[str] = None


@dataclass(frozen=True)
class FieldChange:
    """One field of an UpdateUser; ``field`` as the seed spells it (``givenName``, ...)."""

    field: str
    new_value: Optional[str] = None
    forbidden_store: Optional[bool] = None


@dataclass(frozen=True)
class UserUpdate:
    """UpdateUser (seed 7): may these changes be made? Return True to accept."""

    user_id: str
    changes: List[FieldChange] = field(default_factory=list)


@dataclass(frozen=True)
class UserDeletion:
    """DeleteUser (seed 8): the user's NoPass account was deleted. Return True to act on it."""

    user_id: str


@dataclass(frozen=True)
class NewUser:
    given_name: Optional[str] = None
    sur_name: Optional[str] = None
    phone_number: Optional[str] = None
    email: Optional[str] = None
    login: Optional[str] = None
    is_use_email_as_login: Optional[bool] = None


@dataclass(frozen=True)
class UsersAddition:
    """AddUsers (seed 9): may these users be added? Return True to accept."""

    users: List[NewUser] = field(default_factory=list)


@dataclass(frozen=True)
class SessionClosing:
    """CloseSession (seed 10): the user closed the session in NoPass."""

    handle: str = field(repr=False)
    user_id: str
    reported_user_id: Optional[str] = None


@dataclass(frozen=True)
class ServiceDisabling:
    """DisableService (seed 11): the portal was deleted in the NoPass console."""

    portal_id: str


class PortalHooks:
    """Subclass and override what your portal acts on. A plain method runs in a worker thread;
    an ``async def`` one is awaited on the event loop that handles the callback (under
    ``authbridge.asgi.PortalApp``, the ASGI server's own loop, so it can use the application's
    async resources). The blocking surfaces have no loop for it and refuse such a portal with a
    ``ConfigError`` naming the hook: ``authbridge.wsgi.PortalApp(portal)``, ``portal.serve()``
    and ``portal.handle()``. A hook that decides (``validate_user_registration``,
    ``update_user``, ``delete_user``, ``add_users``) refuses unless it returns True. An
    exception refuses the callback (the message goes to the ``authbridge`` log, never to the
    NoPass server), and so does a hook that takes longer than the portal's ``hook_timeout``
    (the NoPass server gets a 503 with ``Retry-After`` and calls again; an ``async def`` hook's
    task is cancelled); either way nothing changes. Each decision reaches a hook
    once, even when the NoPass server sends a callback twice at the same time.

    Nothing a caller sends is proof: decide on ``event.origin == "portal"`` and the portal's
    own ``user_id``, never on an e-mail address or a name in the event. (The return types say
    that an override may be either kind.)"""

    def confirm_pre_registration(self, event: PreRegistration) -> Optional[Awaitable[None]]:
        return None

    def confirm_registration(self, event: Registration) -> Optional[Awaitable[None]]:
        return None

    def update_picture(self, event: PictureUpdate) -> Optional[Awaitable[None]]:
        return None

    def validate_user_registration(self, event: UserRegistrationCheck) -> Union[bool, Awaitable[bool]]:
        return False

    def confirm_user_registration(self, event: UserRegistration) -> Optional[Awaitable[None]]:
        return None

    def authorized_user(self, event: AuthorizationResult) -> Optional[Awaitable[None]]:
        return None

    def update_user(self, event: UserUpdate) -> Union[bool, Awaitable[bool]]:
        return False

    def delete_user(self, event: UserDeletion) -> Union[bool, Awaitable[bool]]:
        return False

    def add_users(self, event: UsersAddition) -> Union[bool, Awaitable[bool]]:
        return False

    def close_session(self, event: SessionClosing) -> Optional[Awaitable[None]]:
        return None

    def disable_service(self, event: ServiceDisabling) -> Optional[Awaitable[None]]:
        return None


_EVENTS: Dict[str, Any] = {
    "confirm_pre_registration": PreRegistration,
    "confirm_registration": Registration,
    "update_picture": PictureUpdate,
    "validate_user_registration": UserRegistrationCheck,
    "confirm_user_registration": UserRegistration,
    "authorized_user": AuthorizationResult,
    "update_user": UserUpdate,
    "delete_user": UserDeletion,
    "add_users": UsersAddition,
    "close_session": SessionClosing,
    "disable_service": ServiceDisabling,
}
_DECIDES = {"validate_user_registration", "update_user", "delete_user", "add_users"}
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


def _snake(fields: Dict[str, Any]) -> Dict[str, Any]:
    return {_CAMEL.sub("_", name).lower(): value for name, value in fields.items()}


def _event(hook: str, payload: str) -> Any:
    fields = _snake(json.loads(payload))
    if "origin" in fields:
        fields["origin"] = RegistrationOrigin(fields["origin"])
    if hook == "update_user":
        fields["changes"] = [FieldChange(**_snake(c)) for c in fields.get("changes", [])]
    elif hook == "add_users":
        fields["users"] = [NewUser(**_snake(u)) for u in fields.get("users", [])]
    return _EVENTS[hook](**fields)


def _async_hooks(hooks: Any) -> List[str]:
    """The hooks written as ``async def``, found when the portal is built: they are awaited on
    the callback's event loop, the others run in a worker thread."""
    found = []
    for hook in _EVENTS:
        method = getattr(hooks, hook, None)
        if inspect.isasyncgenfunction(method):
            raise TypeError(f"portal hook {hook} is an async generator; make it async def or a plain method")
        if inspect.iscoroutinefunction(method):
            found.append(hook)
    return found


def _decision(hook: str, outcome: Any) -> bool:
    """True only for a literal True from a hook that decides."""
    return hook in _DECIDES and outcome is True


def _dispatch(hooks: Any, hook: str, payload: str) -> bool:
    """Calls the plain hook ``hooks.<hook>(event)``; returns the decision."""
    method = getattr(hooks, hook, None)
    if method is None:
        return False
    outcome = method(_event(hook, payload))
    if inspect.iscoroutine(outcome):
        # Not declared async def, so it was not sent to an event loop: refuse, loudly.
        outcome.close()
        raise TypeError(f"portal hook {hook} returned a coroutine; declare it async def")
    return _decision(hook, outcome)


async def _awaited(hooks: Any, hook: str, payload: str) -> bool:
    return _decision(hook, await getattr(hooks, hook)(_event(hook, payload)))


def _schedule(
    hooks: Any, hook: str, payload: str, loop: asyncio.AbstractEventLoop
) -> concurrent.futures.Future[bool]:
    """Starts the ``async def`` hook ``hooks.<hook>(event)`` on ``loop``, the event loop that
    handles the callback; cancelling the returned future cancels the hook's task."""
    return asyncio.run_coroutine_threadsafe(_awaited(hooks, hook, payload), loop)
