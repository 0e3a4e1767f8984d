/* A NoPass login with the C ABI of authbridge: the portal answers the NoPass server's
 * callbacks on its embedded receiver, the browser gets an opaque handle, and the host signs
 * the user in once the login is authorised, by redeeming that handle exactly once.
 *
 *   nopass_portal      (offline: the sandbox plays the NoPass server and approves the login)
 *
 * Build: cc -std=c11 nopass_portal.c $(pkg-config --cflags --libs authbridge)
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "authbridge.h"

/* Only the NoPass server may call the portal back. Here it runs on this machine; in
 * production allow its addresses (ab_portal_config_allow_source, ab_portal_config_trust_proxy
 * for your reverse proxy) or require the header your proxy adds (ab_portal_config_require_header). */
static ab_portal *portal_new(const char *admin_id, const char *s_code, const char *nopass_url) {
  ab_portal_config *config = NULL;
  ab_portal *portal = NULL;
  if (ab_portal_config_new(admin_id, s_code, &config) != AB_STATUS_OK ||
      ab_portal_config_set_server(config, nopass_url, NULL) != AB_STATUS_OK ||
      ab_portal_config_allow_loopback(config) != AB_STATUS_OK ||
      ab_portal_new(config, NULL, NULL, &portal) != AB_STATUS_OK)
    fprintf(stderr, "portal: [%s] %s\n", ab_error_code(), ab_error_message());
  ab_portal_config_free(config);
  return portal;
}

/* The login page long-polls with the handle it was given; then the host redeems it, once. */
static bool sign_in(ab_portal *portal, const char *handle) {
  ab_portal_session session;
  memset(&session, 0, sizeof session);
  for (uint64_t seen = 0; ab_portal_wait_session(portal, handle, seen, 30000, 0, NULL, &session) == AB_STATUS_OK;) {
    bool pending = session.state == AB_PORTAL_SESSION_STATE_PENDING;
    seen = session.version;
    ab_portal_session_free(&session);
    if (!pending) break;
  }
  ab_portal_redeemed_login login;
  memset(&login, 0, sizeof login);
  if (ab_portal_redeem_login(portal, handle, &login) != AB_STATUS_OK) {
    printf("not signed in: [%s] %s\n", ab_error_code(), ab_error_message());
    return false;
  }
  printf("welcome %s\n", login.user_id);
  ab_portal_redeemed_login_free(&login);
  return true;
}

int main(void) {
  ab_sandbox *sandbox = NULL;
  char *nopass_url = NULL, *portal_url = NULL, *portal_id = NULL, *auth_id = NULL;
  ab_portal *portal = NULL;
  ab_portal_server *server = NULL;
  ab_portal_session login;
  memset(&login, 0, sizeof login);
  int ok = 0;
  if (ab_sandbox_start(&sandbox) != AB_STATUS_OK ||
      ab_sandbox_url(sandbox, AB_VENDOR_NOPASS, &nopass_url) != AB_STATUS_OK ||
      !(portal = portal_new("admin-1", "s-code-1", nopass_url)) ||
      ab_portal_server_start(portal, "127.0.0.1:0", &server) != AB_STATUS_OK ||
      ab_portal_server_url(server, &portal_url) != AB_STATUS_OK ||
      ab_sandbox_nopass_set_portal_url(sandbox, portal_url) != AB_STATUS_OK ||
      ab_sandbox_nopass_register_portal(sandbox, "admin-1", &portal_id) != AB_STATUS_OK ||
      ab_sandbox_nopass_add_user(sandbox, "bob") != AB_STATUS_OK ||
      ab_portal_request_authorization(portal, "bob", &login) != AB_STATUS_OK) {
    fprintf(stderr, "setup failed: [%s] %s\n", ab_error_code(), ab_error_message());
    goto done;
  }
  /* The browser shows login.image and keeps login.handle; bob approves in the NoPass app. */
  if (ab_sandbox_nopass_last_auth_id(sandbox, "bob", &auth_id) != AB_STATUS_OK ||
      ab_sandbox_nopass_drive_login(sandbox, auth_id, 1, true) != AB_STATUS_OK) {
    fprintf(stderr, "the NoPass server failed: [%s] %s\n", ab_error_code(), ab_error_message());
    goto done;
  }
  ok = sign_in(portal, login.handle) && !sign_in(portal, login.handle); /* once only */
done:
  ab_portal_session_free(&login);
  ab_string_free(auth_id);
  ab_string_free(portal_id);
  ab_string_free(portal_url);
  ab_portal_server_free(server);
  ab_portal_free(portal);
  ab_string_free(nopass_url);
  ab_sandbox_free(sandbox);
  return ok ? 0 : 1;
}
