"""The README's portal example: a Flask site that receives NoPass callbacks and signs users in.

The browser holds a login's opaque handle, never the NoPass ``authId``; the site signs the user
in only when ``redeem_login`` gives the login, once, to the browser that started it.
"""

import secrets
from typing import Dict, List, Set

import flask
from werkzeug.middleware.dispatcher import DispatcherMiddleware

import authbridge
import authbridge.wsgi


class Hooks(authbridge.PortalHooks):
    def __init__(self, users: Set[str]) -> None:
        self.users = users

    def validate_user_registration(self, event: authbridge.UserRegistrationCheck) -> bool:
        # Only registrations this site started for its own users: what the caller says about
        # the user (e-mail, name, login) proves nothing.
        return event.origin == "portal" and event.user_id in self.users


def create_app(nopass_url: str, store: str, nopass_sources: List[str], users: Set[str]) -> flask.Flask:
    portal = authbridge.Portal(
        "my-admin-id",
        "my-s-code",
        allowed_sources=nopass_sources,  # only the NoPass server may call back
        server_url=nopass_url,
        hooks=Hooks(users),
        store=store,
    )
    app = flask.Flask(__name__)
    app.secret_key = secrets.token_bytes(32)
    # The NoPass server POSTs its callbacks under /api/PortalCommunication/.
    app.wsgi_app = DispatcherMiddleware(  # type: ignore[method-assign]
        app.wsgi_app, {"/api/PortalCommunication": authbridge.wsgi.PortalApp(portal)}
    )

    @app.post("/login/<user_id>")
    def login(user_id: str) -> Dict[str, object]:
        session = portal.request_authorization(user_id)
        flask.session["nopass_handle"] = session.handle  # this browser started it
        return {"handle": session.handle, "image": session.image_data_url()}

    @app.get("/login/<handle>/wait/<int:seen>")
    def wait(handle: str, seen: int) -> Dict[str, object]:
        try:
            session = portal.wait_session(handle, seen, timeout=25)  # GIL released while waiting
        except authbridge.Timeout:
            return {"state": "pending", "version": seen}
        except authbridge.NotFound:
            flask.abort(404)
        return {"state": session.state.value, "version": session.version, "image": session.image_data_url()}

    @app.post("/login/<handle>/complete")
    def complete(handle: str) -> Dict[str, object]:
        if flask.session.get("nopass_handle") != handle:
            flask.abort(403)
        try:
            login = portal.redeem_login(handle)  # once, and only when authorised
        except authbridge.AuthBridgeError:
            flask.abort(403)
        flask.session.pop("nopass_handle")
        flask.session["user"] = login.user_id
        return {"user": login.user_id}

    return app
