/* A NoPass login with the C ABI of authbridge: the portal answers the NoPass server's
 * callbacks on its embedded receiver, the browser gets an opaque handle, and the host signs
 * the user in once the login is authorised, by redeeming that handle exactly once.
 *
 *   nopass_portal NOPASS_URL ADMIN_ID S_CODE LISTEN_ADDRESS USER_ID
 *
 * Serves the portal's callbacks on LISTEN_ADDRESS (e.g. 127.0.0.1:8080) and prints their URL,
 * waits until the NoPass server has registered the portal, asks it to authorise USER_ID's
 * login, and signs the user in once approved. Exits 0 when that login was redeemed exactly
 * once. Offline, the NoPass stand-in of `authbridge-sandbox` plays the server (see the README).
 *
 * Build: cc -std=c11 nopass_portal.c $(pkg-config --cflags --libs authbridge)
 */
/* nanosleep */
#define _POSIX_C_SOURCE 200809L

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

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

/* The NoPass console registers a new portal by calling it back; until then it takes no login. */
static bool wait_registered(ab_portal *portal) {
  for (int tries = 0; tries < 600; tries++) {
    ab_portal_phase phase;
    if (ab_portal_status(portal, &phase, NULL, NULL) != AB_STATUS_OK) return false;
    if (phase == AB_PORTAL_PHASE_REGISTERED) return true;
    nanosleep(&(struct timespec){.tv_nsec = 100 * 1000 * 1000}, NULL);
  }
  fprintf(stderr, "the NoPass server did not register the portal within a minute\n");
  return false;
}

int main(int argc, char **argv) {
  if (argc != 6) {
    fprintf(stderr, "usage: %s NOPASS_URL ADMIN_ID S_CODE LISTEN_ADDRESS USER_ID\n", argv[0]);
    return 2;
  }
  const char *user = argv[5];
  ab_portal *portal = portal_new(argv[2], argv[3], argv[1]);
  ab_portal_server *server = NULL;
  char *callback_url = NULL;
  ab_portal_session login;
  memset(&login, 0, sizeof login);
  int ok = 0;
  if (!portal || ab_portal_server_start(portal, argv[4], &server) != AB_STATUS_OK ||
      ab_portal_server_url(server, &callback_url) != AB_STATUS_OK) {
    fprintf(stderr, "setup failed: [%s] %s\n", ab_error_code(), ab_error_message());
    goto done;
  }
  printf("callbacks: %s\n", callback_url);
  fflush(stdout);
  if (!wait_registered(portal)) goto done;
  if (ab_portal_request_authorization(portal, user, &login) != AB_STATUS_OK) {
    fprintf(stderr, "authorization request failed: [%s] %s\n", ab_error_code(), ab_error_message());
    goto done;
  }
  /* The browser shows login.image and keeps login.handle; the user approves in the NoPass app. */
  printf("waiting for %s to approve\n", user);
  fflush(stdout);
  ok = sign_in(portal, login.handle) && !sign_in(portal, login.handle); /* once only */
done:
  ab_portal_session_free(&login);
  ab_string_free(callback_url);
  ab_portal_server_free(server);
  ab_portal_free(portal);
  return ok ? 0 : 1;
}
