"""The README's blocking example: a nevisIDM password login against the sandbox."""

import authbridge


def main() -> str:
    with authbridge.Sandbox() as sandbox:
        sandbox.nevis.add_client("1000")
        sandbox.nevis.add_user("1000", "alice")
        sandbox.nevis.set_password("1000", "alice", "s3cret")
        client = authbridge.NevisClient(sandbox.url(authbridge.Vendor.NEVIS))
        try:
            status = client.password_login("1000", "alice", "s3cret")
            return f"welcome ({status.description})"
        except authbridge.AuthenticationFailed as refused:
            return f"refused: {refused.login_status}"


if __name__ == "__main__":
    print(main())
