/* The NoPass portal through the C ABI: hooks as C function pointers with user_data, the
 * embedded server, the portal's own calls to the NoPass server, sessions by browser handle,
 * waits, redeeming a login, and ab_portal_handle for hosts with their own web server; the
 * sandbox plays the NoPass server. What an attacker can try is in nopass_attack_test.c. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <unistd.h>

#include "abtest.h"

struct seen {
  pthread_mutex_t lock;
  int pictures, authorized, denied, closed;
  int validated_by_portal, validated_by_server, registered_by_portal, registered_by_server;
  char portal_id[300];
  char last_handle[128];
  char registered_handle[128];
};

static uint32_t on_registration(void *user_data, const ab_portal_event *event) {
  struct seen *seen = user_data;
  pthread_mutex_lock(&seen->lock);
  snprintf(seen->portal_id, sizeof seen->portal_id, "%s", event->portal_id ? event->portal_id : "(null)");
  pthread_mutex_unlock(&seen->lock);
  return event->callback == AB_PORTAL_CALLBACK_CONFIRM_REGISTRATION ? AB_HOOK_ANSWER_ACCEPT : AB_HOOK_ANSWER_FAIL;
}

static uint32_t on_picture(void *user_data, const ab_portal_event *event) {
  struct seen *seen = user_data;
  pthread_mutex_lock(&seen->lock);
  if (event->image && event->image[0] && event->handle && event->user_id && event->next_change_ms > 0)
    seen->pictures++;
  pthread_mutex_unlock(&seen->lock);
  return AB_HOOK_ANSWER_ACCEPT;
}

static uint32_t on_authorized(void *user_data, const ab_portal_event *event) {
  struct seen *seen = user_data;
  pthread_mutex_lock(&seen->lock);
  if (event->authorized) seen->authorized++;
  else seen->denied++;
  snprintf(seen->last_handle, sizeof seen->last_handle, "%s", event->handle ? event->handle : "(null)");
  pthread_mutex_unlock(&seen->lock);
  return AB_HOOK_ANSWER_ACCEPT;
}

/* Accepts registrations the portal started for its own user ids, and (this test's policy) the
 * NoPass server's own ones; the origin is in the struct and in the JSON. */
static uint32_t accept_registration(void *user_data, const ab_portal_event *event) {
  struct seen *seen = user_data;
  uint32_t answer = AB_HOOK_ANSWER_FAIL;
  pthread_mutex_lock(&seen->lock);
  if (event->origin == AB_PORTAL_REGISTRATION_ORIGIN_PORTAL && event->user_id &&
      strstr(event->json, "\"origin\":\"portal\"")) {
    seen->validated_by_portal++;
    answer = AB_HOOK_ANSWER_ACCEPT;
  } else if (event->origin == AB_PORTAL_REGISTRATION_ORIGIN_NOPASS_SERVER && !event->user_id &&
             strstr(event->json, "\"origin\":") && !strstr(event->json, "\"origin\":\"portal\"")) {
    seen->validated_by_server++;
    answer = AB_HOOK_ANSWER_ACCEPT;
  }
  pthread_mutex_unlock(&seen->lock);
  return answer;
}

static uint32_t on_user_registered(void *user_data, const ab_portal_event *event) {
  struct seen *seen = user_data;
  pthread_mutex_lock(&seen->lock);
  if (event->origin == AB_PORTAL_REGISTRATION_ORIGIN_PORTAL && event->handle) {
    seen->registered_by_portal++;
    snprintf(seen->registered_handle, sizeof seen->registered_handle, "%s", event->handle);
  } else if (event->origin == AB_PORTAL_REGISTRATION_ORIGIN_NOPASS_SERVER && !event->handle) {
    seen->registered_by_server++;
  }
  pthread_mutex_unlock(&seen->lock);
  return AB_HOOK_ANSWER_ACCEPT;
}

static uint32_t on_close(void *user_data, const ab_portal_event *event) {
  struct seen *seen = user_data;
  (void)event;
  pthread_mutex_lock(&seen->lock);
  seen->closed++;
  pthread_mutex_unlock(&seen->lock);
  return AB_HOOK_ANSWER_ACCEPT;
}

static uint32_t refuse(void *user_data, const ab_portal_event *event) {
  (void)user_data;
  (void)event;
  return AB_HOOK_ANSWER_REFUSE;
}

static uint32_t fail(void *user_data, const ab_portal_event *event) {
  (void)user_data;
  (void)event;
  return AB_HOOK_ANSWER_FAIL;
}

static ab_sandbox *sb;
static ab_portal *portal;

struct drive {
  const char *auth_id;
  bool authorized;
  ab_status status;
};

static void *drive_login(void *arg) {
  struct drive *d = arg;
  char request[256], *answer = NULL;
  snprintf(request, sizeof request, "{\"op\":\"nopass.drive_login\",\"auth_id\":\"%s\",\"pictures\":2,\"authorized\":%s}",
           d->auth_id, d->authorized ? "true" : "false");
  d->status = ab_sandbox_control(sb, request, &answer);
  ab_string_free(answer);
  return NULL;
}

/* The authId of the NoPass server's last login for `user` (free it with free()). */
static char *last_auth_id(const char *user) {
  return ab_test_control_text(sb, "{\"op\":\"nopass.last_auth_id\",\"user_id\":\"%s\"}", user);
}

/* Long-polls the session until it leaves `pending`, as a login page would. */
static ab_portal_session wait_decided(const char *handle) {
  ab_portal_session s;
  memset(&s, 0, sizeof s);
  uint64_t seen = 0;
  for (int i = 0; i < 20; i++) {
    ab_portal_session_free(&s);
    EXPECT_OK(ab_portal_wait_session(portal, handle, seen, 30000, 1000, NULL, &s));
    if (s.state != AB_PORTAL_SESSION_STATE_PENDING) break;
    seen = s.version;
  }
  return s;
}

/* A login as a host runs it: the browser gets the handle and long-polls it while the NoPass
 * server (which knows the login by its authId) drives it; then the host redeems the handle.
 * Returns the handle (free it). */
static char *login(struct seen *seen, bool authorized) {
  ab_portal_session s;
  memset(&s, 0, sizeof s);
  EXPECT_OK(ab_portal_request_authorization(portal, "bob", &s));
  CHECK(s.state == AB_PORTAL_SESSION_STATE_PENDING && s.origin == AB_PORTAL_SESSION_ORIGIN_LOGIN, "pending login");
  CHECK(s.image && s.image[0] && s.pictures == 1 && s.next_change_ms > 0, "first picture");
  EXPECT_STR(s.user_id, "bob", "session user");
  char *handle = strdup(s.handle);
  ab_portal_session_free(&s);
  char *auth_id = last_auth_id("bob");
  CHECK(auth_id && strcmp(auth_id, handle) != 0, "the browser's handle is not the NoPass server's authId");

  ab_portal_redeemed_login redeemed;
  memset(&redeemed, 0, sizeof redeemed);
  EXPECT_STATUS(ab_portal_redeem_login(portal, handle, &redeemed), AB_STATUS_CONFLICT, "pending: nothing to redeem");

  struct drive d = {auth_id, authorized, AB_STATUS_PANIC};
  pthread_t thread;
  pthread_create(&thread, NULL, drive_login, &d);
  ab_portal_session done = wait_decided(handle);
  pthread_join(thread, NULL);
  EXPECT_OK(d.status);
  CHECK(done.state == (authorized ? AB_PORTAL_SESSION_STATE_AUTHORIZED : AB_PORTAL_SESSION_STATE_DENIED),
        "the wait sees the decision");
  ab_portal_session_free(&done);
  EXPECT_OK(ab_portal_session_get(portal, handle, &done));
  CHECK(done.pictures == 3, "two more pictures came");
  ab_portal_session_free(&done);
  pthread_mutex_lock(&seen->lock);
  CHECK(strcmp(seen->last_handle, handle) == 0, "the hook saw this login by its handle");
  pthread_mutex_unlock(&seen->lock);

  if (authorized) {
    EXPECT_OK(ab_portal_redeem_login(portal, handle, &redeemed));
    EXPECT_STR(redeemed.user_id, "bob", "redeemed user");
    EXPECT_STR(redeemed.handle, handle, "redeemed handle");
    CHECK(redeemed.origin == AB_PORTAL_SESSION_ORIGIN_LOGIN && redeemed.authorized_at_ms > 0, "redeemed login");
    ab_portal_redeemed_login_free(&redeemed);
    ab_portal_redeemed_login_free(&redeemed);
    CHECK(redeemed.handle == NULL && redeemed.user_id == NULL, "free clears the strings");
    EXPECT_OK(ab_portal_session_get(portal, handle, &done));
    CHECK(done.state == AB_PORTAL_SESSION_STATE_REDEEMED, "redeemed");
    ab_portal_session_free(&done);
  } else {
    EXPECT_STATUS(ab_portal_redeem_login(portal, handle, &redeemed), AB_STATUS_AUTHENTICATION_FAILED,
                  "a denied login is not redeemed");
    CHECK(redeemed.user_id == NULL, "nothing written");
  }
  free(auth_id);
  return handle;
}

static bool body_has(const ab_portal_response *r, const char *needle) {
  size_t n = strlen(needle);
  for (size_t i = 0; i + n <= r->body_len; i++)
    if (memcmp(r->body + i, needle, n) == 0) return true;
  return false;
}

static void direct_handle(void) {
  ab_portal_response r;
  memset(&r, 0, sizeof r);
  const char *names[] = {"Content-Type"};
  const char *values[] = {"application/json"};
  const char *body = "{\"adminId\":\"admin-1\",\"r\":41,\"portalId\":null}";
  EXPECT_OK(ab_portal_handle(portal, "POST", "/api/PortalCommunication/ConfirmPreRegistration", names, values, 1,
                             (const uint8_t *)body, strlen(body), "127.0.0.1", &r));
  CHECK(r.status >= 400 && r.status < 500, "pre-registration is refused once registered");
  ab_portal_response_free(&r);
  /* the peer as a socket address, with a port */
  EXPECT_OK(ab_portal_handle(portal, "POST", "/api/PortalCommunication/ConfirmPreRegistration", names, values, 1,
                             (const uint8_t *)body, strlen(body), "[::1]:4711", &r));
  CHECK(r.status == 404, "a loopback IPv6 peer with a port passes the policy and reaches the portal");
  ab_portal_response_free(&r);
  EXPECT_OK(ab_portal_handle(portal, "POST", "/api/PortalCommunication/ConfirmPreRegistration", names, values, 1,
                             (const uint8_t *)body, strlen(body), "192.0.2.7:4711", &r));
  CHECK(r.status == 403 && body_has(&r, "forbidden_source"), "a peer outside the policy is refused");
  ab_portal_response_free(&r);
  EXPECT_OK(ab_portal_handle(portal, "GET", "/api/PortalCommunication/CloseSession", NULL, NULL, 0, NULL, 0, NULL,
                             &r));
  CHECK(r.status == 405 && strstr(r.headers, "Allow: POST"), "405 with Allow");
  ab_portal_response_free(&r);
  ab_portal_response_free(&r);
  EXPECT_OK(ab_portal_handle(portal, "POST", "/elsewhere", NULL, NULL, 0, NULL, 0, NULL, &r));
  CHECK(r.status == 404 && body_has(&r, "not_found"), "unknown path");
  ab_portal_response_free(&r);
  EXPECT_STATUS(ab_portal_handle(portal, "POST", "/x", NULL, NULL, 0, NULL, 0, "not-an-ip", &r),
                AB_STATUS_INVALID_INPUT, "peer address checked");
  CHECK(strstr(ab_error_message(), "peer_addr_or_null") != NULL, "the error names the peer argument");
}

int main(void) {
  struct seen seen;
  memset(&seen, 0, sizeof seen);
  pthread_mutex_init(&seen.lock, NULL);
  EXPECT_OK(ab_sandbox_start(&sb));
  char *nopass_url = NULL;
  EXPECT_OK(ab_sandbox_url(sb, "nopass", &nopass_url));

  ab_portal_config *config = NULL;
  EXPECT_OK(ab_portal_config_new("admin-1", "s-code-1", &config));
  EXPECT_OK(ab_portal_config_set_server(config, nopass_url, NULL));
  EXPECT_OK(ab_portal_config_set_limits(config, 1024 * 1024, 120000, 360000, 3600000));
  EXPECT_OK(ab_portal_config_set_response_mode(config, AB_PORTAL_RESPONSE_MODE_ENVELOPE));
  EXPECT_STATUS(ab_portal_config_set_response_mode(config, 9), AB_STATUS_INVALID_INPUT, "unknown mode");
  /* the sandbox's NoPass server calls from this machine */
  EXPECT_OK(ab_portal_config_allow_loopback(config));
  EXPECT_STATUS(ab_portal_config_allow_source(config, "10.0.0.0/99"), AB_STATUS_INVALID_INPUT, "CIDR checked");
  EXPECT_STATUS(ab_portal_config_trust_proxy(config, "proxy.example"), AB_STATUS_INVALID_INPUT, "CIDR checked");

  ab_portal_hooks hooks;
  memset(&hooks, 0, sizeof hooks);
  hooks.user_data = &seen;
  hooks.confirm_registration = on_registration;
  hooks.update_picture = on_picture;
  hooks.authorized_user = on_authorized;
  hooks.validate_user_registration = accept_registration;
  hooks.confirm_user_registration = on_user_registered;
  hooks.close_session = on_close;
  hooks.add_users = refuse;
  hooks.delete_user = fail;

  /* The store is a URL, as in every language: memory:, sqlite:PATH or a bare path, redis://. */
  ab_portal *other = NULL;
  EXPECT_OK(ab_portal_new(config, NULL, "memory:", &other));
  ab_portal_free(other);
  other = NULL;
  EXPECT_STATUS(ab_portal_new(config, NULL, "ftp://example.com/portal", &other), AB_STATUS_INVALID_INPUT,
                "an unknown store scheme is refused");
  CHECK(other == NULL && strstr(ab_error_message(), "ftp") != NULL, "the refusal names the scheme");
  EXPECT_STATUS(ab_portal_new(config, NULL, "redis://app:hunter2@127.0.0.1:1/0?portal=shop", &other),
                AB_STATUS_STORE, "an unreachable Redis is a store error");
  CHECK(strstr(ab_error_message(), "hunter2") == NULL, "the store error leaves the password out");

  char db[64], store[80];
  snprintf(db, sizeof db, "/tmp/ab-nopass-test-%d.sqlite", (int)getpid());
  snprintf(store, sizeof store, "sqlite:%s", db);
  EXPECT_OK(ab_portal_new(config, &hooks, store, &portal));
  ab_portal_config_free(config);

  ab_portal_server *server = NULL;
  EXPECT_OK(ab_portal_server_start(portal, "127.0.0.1:0", &server));
  char *portal_url = NULL;
  EXPECT_OK(ab_portal_server_url(server, &portal_url));
  ab_test_command(sb, "{\"op\":\"nopass.set_portal_url\",\"url\":\"%s\"}", portal_url);

  ab_portal_phase phase = 0;
  char *portal_id = (char *)"untouched";
  EXPECT_OK(ab_portal_status(portal, &phase, &portal_id, NULL));
  CHECK(phase == AB_PORTAL_PHASE_UNREGISTERED && portal_id == NULL, "a new portal is unregistered");
  ab_portal_session s;
  memset(&s, 0, sizeof s);
  EXPECT_STATUS(ab_portal_request_authorization(portal, "bob", &s), AB_STATUS_CONFLICT,
                "no logins before registration");

  char *registered = ab_test_control(sb, "{\"op\":\"nopass.register_portal\",\"admin_id\":\"admin-1\"}");
  EXPECT_OK(ab_portal_status(portal, &phase, &portal_id, NULL));
  CHECK(phase == AB_PORTAL_PHASE_REGISTERED, "registered");
  char field[256];
  snprintf(field, sizeof field, "\"portal_id\":\"%s\"", portal_id ? portal_id : "(none)");
  CHECK(registered && strstr(registered, field), "portalId stored");
  EXPECT_STR(seen.portal_id, portal_id, "the registration hook saw the portalId");
  ab_string_free(portal_id);

  /* a user registration the portal starts */
  ab_portal_pre_registered pre;
  memset(&pre, 0, sizeof pre);
  EXPECT_OK(ab_portal_pre_register_user(portal, "alice", "10.0.0.7", NULL, NULL, "Alice", NULL, NULL,
                                        "alice@example.com", &pre));
  CHECK(pre.otp && pre.otp[0] && pre.register_link && pre.expires_at_ms > 0 && pre.handle && pre.handle[0],
        "otp, link and handle");
  char *registration = strdup(pre.handle);
  EXPECT_OK(ab_portal_session_get(portal, registration, &s));
  CHECK(s.state == AB_PORTAL_SESSION_STATE_PENDING && s.origin == AB_PORTAL_SESSION_ORIGIN_REGISTRATION,
        "the registration's session waits for the NoPass server");
  EXPECT_STR(s.user_id, "alice", "registration user");
  ab_portal_session_free(&s);
  char *received = ab_test_control(sb, "{\"op\":\"nopass.pre_registration\",\"user_id\":\"alice\"}");
  snprintf(field, sizeof field, "\"register_link\":\"%s\"", pre.register_link);
  CHECK(received && strstr(received, field), "the NoPass server got the registration");
  ab_string_free(received);
  ab_portal_pre_registered_free(&pre);
  EXPECT_STATUS(ab_portal_pre_register_user(portal, "", NULL, NULL, NULL, NULL, NULL, NULL, NULL, &pre),
                AB_STATUS_INVALID_INPUT, "userId required");
  char *auth_id = ab_test_control_text(sb, "{\"op\":\"nopass.complete_user_registration\",\"user_id\":\"alice\"}");
  EXPECT_OK(ab_portal_session_get(portal, registration, &s));
  CHECK(s.state == AB_PORTAL_SESSION_STATE_AUTHORIZED && s.origin == AB_PORTAL_SESSION_ORIGIN_REGISTRATION,
        "the registration authorised its session");
  ab_portal_session_free(&s);
  CHECK(seen.validated_by_portal == 1 && seen.registered_by_portal == 1, "registration hooks ran, origin portal");
  EXPECT_STR(seen.registered_handle, registration, "the hook saw the registration's handle");
  EXPECT_STATUS(ab_portal_session_get(portal, auth_id, &s), AB_STATUS_NOT_FOUND, "an authId is not a handle");
  ab_portal_redeemed_login redeemed;
  memset(&redeemed, 0, sizeof redeemed);
  EXPECT_OK(ab_portal_redeem_login(portal, registration, &redeemed));
  EXPECT_STR(redeemed.user_id, "alice", "the registered user is redeemed");
  CHECK(redeemed.origin == AB_PORTAL_SESSION_ORIGIN_REGISTRATION, "redeemed registration");
  ab_portal_redeemed_login_free(&redeemed);
  free(auth_id);
  free(registration);

  /* logins, approved and denied, waited on while the NoPass server drives them */
  ab_test_expect_answer(sb, "false", "{\"op\":\"nopass.has_user\",\"user_id\":\"bob\"}");
  ab_test_command(sb, "{\"op\":\"nopass.add_user\",\"user_id\":\"bob\"}");
  ab_test_expect_answer(sb, "true", "{\"op\":\"nopass.has_user\",\"user_id\":\"bob\"}");
  free(login(&seen, true));
  char *denied = login(&seen, false);
  CHECK(seen.authorized == 1 && seen.denied == 1 && seen.pictures == 4, "hooks saw pictures and decisions");

  char *last = last_auth_id("bob");
  ab_test_expect_answer(sb, "\"bob\"", "{\"op\":\"nopass.login_user\",\"auth_id\":\"%s\"}", last);
  int http = ab_test_reply_status(ab_test_control(sb, "{\"op\":\"nopass.close_session\",\"auth_id\":\"%s\"}", last));
  CHECK(http == 200 && seen.closed == 1, "CloseSession reached the hook");
  EXPECT_OK(ab_portal_session_get(portal, denied, &s));
  CHECK(s.state == AB_PORTAL_SESSION_STATE_CLOSED, "closed");
  ab_portal_session_free(&s);
  free(last);
  free(denied);

  /* decisions: refused, failed */
  char *reply =
      ab_test_control(sb, "{\"op\":\"nopass.add_users\",\"users\":[{\"givenName\":\"C\",\"email\":\"c@example.com\"}]}");
  CHECK(reply && strstr(reply, "\"status\":200") && strstr(reply, "\"result\":false"), "AddUsers refused by the hook");
  ab_string_free(reply);
  http = ab_test_reply_status(ab_test_control(sb, "{\"op\":\"nopass.delete_user\",\"user_id\":\"alice\"}"));
  CHECK(http != 200, "a failing hook refuses the callback");

  /* waits: timeout and cancellation */
  EXPECT_OK(ab_portal_request_authorization(portal, "bob", &s));
  char *pending = strdup(s.handle);
  uint64_t version = s.version;
  ab_portal_session_free(&s);
  EXPECT_STATUS(ab_portal_wait_session(portal, pending, version, 1500, 1000, NULL, &s), AB_STATUS_TIMEOUT,
                "nothing changed in time");
  ab_cancel *cancel = NULL;
  EXPECT_OK(ab_cancel_new(&cancel));
  EXPECT_OK(ab_cancel_cancel(cancel));
  EXPECT_STATUS(ab_portal_wait_session(portal, pending, version, 60000, 1000, cancel, &s), AB_STATUS_CANCELLED,
                "cancelled");
  ab_cancel_free(cancel);
  EXPECT_STATUS(ab_portal_session_get(portal, "no-such-handle", &s), AB_STATUS_NOT_FOUND, "unknown handle");
  ab_portal_redeemed_login none;
  memset(&none, 0, sizeof none);
  EXPECT_STATUS(ab_portal_redeem_login(portal, "no-such-handle", &none), AB_STATUS_NOT_FOUND, "unknown handle");
  last = last_auth_id("bob");
  ab_test_command(sb, "{\"op\":\"nopass.update_picture\",\"auth_id\":\"%s\"}", last);
  free(last);
  EXPECT_OK(ab_portal_wait_session(portal, pending, version, 30000, 1000, NULL, &s));
  CHECK(s.version > version && s.pictures == 2, "a new picture wakes the wait");
  ab_portal_session_free(&s);
  free(pending);

  direct_handle();

  /* the NoPass server registers a user itself; the hook accepts, and no session opens */
  auth_id = ab_test_control_text(sb, "{\"op\":\"nopass.register_user_from_server\",\"login\":\"carol\","
                                     "\"email\":\"carol@example.com\"}");
  CHECK(seen.validated_by_server == 1 && seen.registered_by_server == 1, "hooks saw origin nopass_server");
  EXPECT_STATUS(ab_portal_session_get(portal, auth_id, &s), AB_STATUS_NOT_FOUND, "no session opened");
  free(auth_id);

  CHECK(ab_test_reply_status(ab_test_control(sb, "{\"op\":\"nopass.disable_service\"}")) == 200, "DisableService");
  EXPECT_OK(ab_portal_status(portal, &phase, NULL, NULL));
  CHECK(phase == AB_PORTAL_PHASE_DISABLED, "disabled");
  EXPECT_OK(ab_portal_reset(portal));
  EXPECT_OK(ab_portal_status(portal, &phase, NULL, NULL));
  CHECK(phase == AB_PORTAL_PHASE_UNREGISTERED, "reset");

  ab_string_free(registered);
  ab_string_free(portal_url);
  ab_string_free(nopass_url);
  ab_portal_server_free(server);
  ab_portal_free(portal);
  ab_sandbox_free(sb);
  unlink(db);
  pthread_mutex_destroy(&seen.lock);
  if (abtest_failures()) return 1;
  printf("nopass_test: ok\n");
  return 0;
}
