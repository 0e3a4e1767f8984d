"""The README's portal example: a Flask site that receives NoPass callbacks and logs users in."""

from typing import Dict

import flask
from werkzeug.middleware.dispatcher import DispatcherMiddleware

import authbridge
import authbridge.wsgi


class Hooks(authbridge.PortalHooks):
    def validate_user_registration(self, event: authbridge.UserRegistrationCheck) -> bool:
        return event.email is not None and event.email.endswith("@example.com")


def create_app(nopass_url: str, store: str) -> flask.Flask:
    portal = authbridge.Portal("my-admin-id", "my-s-code", server_url=nopass_url, hooks=Hooks(), store=store)
    app = flask.Flask(__name__)
    # The NoPass server POSTs its callbacks under /api/PortalCommunication/.
    app.wsgi_app = DispatcherMiddleware(  # type: ignore[method-assign]
        app.wsgi_app, {"/api/PortalCommunication": authbridge.wsgi.PortalApp(portal)}
    )

    @app.post("/login/<user_id>")
    def login(user_id: str) -> Dict[str, object]:
        session = portal.request_authorization(user_id)  # show session.image_data_url()
        return {"auth_id": session.auth_id, "image": session.image_data_url()}

    @app.get("/login/<auth_id>/wait/<int:seen>")
    def wait(auth_id: str, seen: int) -> Dict[str, object]:
        session = portal.wait_session(auth_id, seen, timeout=25)  # GIL released while waiting
        return {"state": session.state.value, "version": session.version, "image": session.image_data_url()}

    return app
