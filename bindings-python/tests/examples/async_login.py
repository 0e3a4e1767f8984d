"""The README's asyncio example: many logins at once on one client."""

import asyncio

import authbridge


async def login_all(client: authbridge.AsyncNevisClient, users: list[str]) -> list[str]:
    results = await asyncio.gather(
        *(client.password_login("1000", user, f"pw-{user}") for user in users), return_exceptions=True
    )
    return [r.description if isinstance(r, authbridge.LoginStatus) else repr(r) for r in results]


def main() -> list[str]:
    with authbridge.Sandbox() as sandbox:
        sandbox.nevis.add_client("1000")
        for user in ("alice", "bob"):
            sandbox.nevis.add_user("1000", user)
            sandbox.nevis.set_password("1000", user, f"pw-{user}")
        client = authbridge.NevisClient(sandbox.url(authbridge.Vendor.NEVIS))
        return asyncio.run(login_all(client.aio, ["alice", "bob", "carol"]))


if __name__ == "__main__":
    print(main())
