/* What someone who can reach a NoPass portal may try, through the C ABI: forged callbacks
 * through ab_portal_handle (the host's own web server) and through the embedded receiver
 * (plain HTTP from this test, so that it can forge headers), under each access policy. Every
 * attempt is refused and leaves the portal's phase and the login's state and version as they
 * were; a control request that should pass shows each check can fail. The sandbox plays the
 * NoPass server.
 *
 * Against the portal before the access policy became required, these fail: a portal without a
 * policy was created and served everyone, X-Forwarded-For from a trusted proxy was not read,
 * the browser held the authId (so AuthorizedUser could be forged with it), a registration the
 * NoPass server started opened an authorised session under the caller's authId, adminId
 * guesses were not throttled, and no login had to be redeemed (so none could be refused a
 * second time). */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "abtest.h"

#define ADMIN_ID "admin-1"
#define S_CODE "s-code-1"
#define SECRET "s3cret-from-the-reverse-proxy"
#define NOPASS_NET "203.0.113.0/24" /* where this test's NoPass server calls from */
#define NOPASS_IP "203.0.113.5"
#define ATTACKER_IP "198.51.100.7"
#define PROXY_NET "10.0.0.0/8"
#define PROXY_IP "10.0.0.2"

static ab_sandbox *sb;
static char *nopass_url;

static void sleep_ms(long ms) {
  struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&t, NULL);
}

/* ---- the host: hooks that accept everything (the most trusting host there is) and count ---- */

struct host {
  pthread_mutex_t lock;
  int calls[12]; /* by ab_portal_callback */
  int slow_ms;   /* AuthorizedUser sleeps this long once, then resets it */
  bool slow_done;
  ab_portal_registration_origin last_origin;
  bool last_handle_null;
};

static uint32_t accept_all(void *user_data, const ab_portal_event *event) {
  struct host *host = user_data;
  pthread_mutex_lock(&host->lock);
  host->calls[event->callback]++;
  int slow = 0;
  if (event->callback == AB_PORTAL_CALLBACK_AUTHORIZED_USER) {
    slow = host->slow_ms;
    host->slow_ms = 0;
  }
  if (event->callback == AB_PORTAL_CALLBACK_VALIDATE_USER_REGISTRATION ||
      event->callback == AB_PORTAL_CALLBACK_CONFIRM_USER_REGISTRATION) {
    host->last_origin = event->origin;
    host->last_handle_null = event->handle == NULL;
  }
  pthread_mutex_unlock(&host->lock);
  if (slow) {
    sleep_ms(slow);
    pthread_mutex_lock(&host->lock);
    host->slow_done = true;
    pthread_mutex_unlock(&host->lock);
  }
  return AB_HOOK_ANSWER_ACCEPT;
}

static int calls(struct host *host, ab_portal_callback callback) {
  pthread_mutex_lock(&host->lock);
  int n = host->calls[callback];
  pthread_mutex_unlock(&host->lock);
  return n;
}

static ab_portal_registration_origin last_origin(struct host *host, bool *handle_null) {
  pthread_mutex_lock(&host->lock);
  ab_portal_registration_origin origin = host->last_origin;
  *handle_null = host->last_handle_null;
  pthread_mutex_unlock(&host->lock);
  return origin;
}

static ab_portal_hooks hooks_of(struct host *host) {
  ab_portal_hooks hooks;
  memset(&hooks, 0, sizeof hooks);
  hooks.user_data = host;
  hooks.confirm_pre_registration = accept_all;
  hooks.confirm_registration = accept_all;
  hooks.update_picture = accept_all;
  hooks.validate_user_registration = accept_all;
  hooks.confirm_user_registration = accept_all;
  hooks.authorized_user = accept_all;
  hooks.close_session = accept_all;
  return hooks;
}

static void host_init(struct host *host) {
  memset(host, 0, sizeof *host);
  pthread_mutex_init(&host->lock, NULL);
}

/* For the next portal (the last one is freed, so no hook runs any more). */
static void host_reset(struct host *host) {
  pthread_mutex_destroy(&host->lock);
  host_init(host);
}

/* ---- answers, from ab_portal_handle or from HTTP ---- */

struct answer {
  int status;
  char text[8192]; /* headers and body */
};

/* Whether the answer contains `needle`, ignoring case (HTTP header names have none). */
static bool has(const struct answer *a, const char *needle) {
  size_t n = strlen(needle);
  for (const char *p = a->text; *p; p++) {
    size_t i = 0;
    while (i < n && p[i] && tolower((unsigned char)p[i]) == tolower((unsigned char)needle[i])) i++;
    if (i == n) return true;
  }
  return false;
}

/* One callback through ab_portal_handle, with `extra` header name/value pairs (NULL-ended). */
static struct answer via_handle(ab_portal *portal, const char *callback, const char *body, const char *peer,
                                const char *const *extra) {
  const char *names[8] = {"Content-Type"}, *values[8] = {"application/json"};
  size_t n = 1;
  for (; extra && extra[0] && n < 8; extra += 2, n++) {
    names[n] = extra[0];
    values[n] = extra[1];
  }
  char path[128];
  snprintf(path, sizeof path, "/api/PortalCommunication/%s", callback);
  ab_portal_response r;
  memset(&r, 0, sizeof r);
  struct answer a;
  memset(&a, 0, sizeof a);
  EXPECT_OK(ab_portal_handle(portal, "POST", path, names, values, n, (const uint8_t *)body, strlen(body), peer, &r));
  a.status = r.status;
  snprintf(a.text, sizeof a.text, "%s\r\n%.*s", r.headers ? r.headers : "", (int)r.body_len, (const char *)r.body);
  ab_portal_response_free(&r);
  return a;
}

/* One callback over HTTP to the embedded receiver at `url` (http://127.0.0.1:port), with
 * `extra` raw header lines ("Name: value\r\n…"). */
static struct answer via_http(const char *url, const char *callback, const char *body, const char *extra) {
  struct answer a;
  memset(&a, 0, sizeof a);
  int port = 0;
  if (sscanf(url, "http://127.0.0.1:%d", &port) != 1) {
    CHECK(false, "embedded server URL");
    return a;
  }
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in addr;
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_port = htons((uint16_t)port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
    CHECK(false, "connect to the embedded server");
    if (fd >= 0) close(fd);
    return a;
  }
  char request[4096];
  int len = snprintf(request, sizeof request,
                     "POST /api/PortalCommunication/%s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     "Content-Type: application/json\r\nContent-Length: %zu\r\nConnection: close\r\n%s\r\n%s",
                     callback, strlen(body), extra ? extra : "", body);
  for (int sent = 0; sent < len;) {
    ssize_t w = write(fd, request + sent, (size_t)(len - sent));
    if (w <= 0) break;
    sent += (int)w;
  }
  size_t got = 0;
  for (ssize_t r; got + 1 < sizeof a.text && (r = read(fd, a.text + got, sizeof a.text - 1 - got)) > 0;)
    got += (size_t)r;
  a.text[got] = '\0';
  close(fd);
  if (sscanf(a.text, "HTTP/1.1 %d", &a.status) != 1) CHECK(false, "an HTTP answer");
  return a;
}

/* ---- the portal's state before and after ---- */

struct snap {
  ab_portal_phase phase;
  ab_portal_session_state state;
  uint64_t version;
  uint32_t pictures;
};

static struct snap snap_of(ab_portal *portal, const char *handle) {
  struct snap s;
  memset(&s, 0, sizeof s);
  EXPECT_OK(ab_portal_status(portal, &s.phase, NULL, NULL));
  if (handle) {
    ab_portal_session session;
    memset(&session, 0, sizeof session);
    EXPECT_OK(ab_portal_session_get(portal, handle, &session));
    s.state = session.state;
    s.version = session.version;
    s.pictures = session.pictures;
    ab_portal_session_free(&session);
  }
  return s;
}

static bool same(struct snap a, struct snap b) {
  return a.phase == b.phase && a.state == b.state && a.version == b.version && a.pictures == b.pictures;
}

/* The attempt got `status` (and `code` in its answer), and nothing changed. */
static void refused(const char *what, struct answer a, int status, const char *code, ab_portal *portal,
                    const char *handle, struct snap before) {
  if (a.status != status || (code && !has(&a, code))) {
    fprintf(stderr, "  %s: got %d, expected %d %s:\n%s\n", what, a.status, status, code ? code : "", a.text);
    CHECK(false, what);
  }
  if (!same(before, snap_of(portal, handle))) {
    fprintf(stderr, "  %s changed the portal's state\n", what);
    CHECK(false, what);
  }
}

/* A pending login cannot be redeemed; the login stays as it was. */
static void not_redeemable(ab_portal *portal, const char *handle, ab_status expected, const char *what) {
  ab_portal_redeemed_login login;
  memset(&login, 0, sizeof login);
  EXPECT_STATUS(ab_portal_redeem_login(portal, handle, &login), expected, what);
  CHECK(login.user_id == NULL && login.handle == NULL, "a refused redeem writes nothing");
}

static void redeem_as(ab_portal *portal, const char *handle, const char *user, const char *what) {
  ab_portal_redeemed_login login;
  memset(&login, 0, sizeof login);
  EXPECT_STATUS(ab_portal_redeem_login(portal, handle, &login), AB_STATUS_OK, what);
  EXPECT_STR(login.user_id, user, what);
  ab_portal_redeemed_login_free(&login);
}

/* ---- setting a portal up ---- */

static ab_portal_config *config_new(void) {
  ab_portal_config *config = NULL;
  EXPECT_OK(ab_portal_config_new(ADMIN_ID, S_CODE, &config));
  EXPECT_OK(ab_portal_config_set_server(config, nopass_url, NULL));
  return config;
}

static ab_portal *portal_new(ab_portal_config *config, struct host *host) {
  ab_portal_hooks hooks = hooks_of(host);
  ab_portal *portal = NULL;
  EXPECT_OK(ab_portal_new(config, &hooks, NULL, &portal));
  ab_portal_config_free(config);
  return portal;
}

static char *serve(ab_portal *portal, ab_portal_server **server) {
  char *url = NULL;
  EXPECT_OK(ab_portal_server_start(portal, "127.0.0.1:0", server));
  EXPECT_OK(ab_portal_server_url(*server, &url));
  ab_test_command(sb, "{\"op\":\"nopass.set_portal_url\",\"url\":\"%s\"}", url);
  return url;
}

/* Registers the portal with callbacks handed to ab_portal_handle from `peer` with `extra`
 * headers (as the NoPass server would through the host's web server), and tells the sandbox. */
static void register_directly(ab_portal *portal, const char *peer, const char *const *extra, const char *portal_id) {
  struct answer a = via_handle(portal, "ConfirmPreRegistration", "{\"adminId\":\"" ADMIN_ID "\",\"r\":41}", peer, extra);
  CHECK(a.status == 200 && has(&a, "\"r\":42"), "pre-registration");
  char body[256];
  snprintf(body, sizeof body, "{\"portalId\":\"%s\",\"authToken\":\"token-of-%s\",\"settings\":null}", portal_id,
           portal_id);
  a = via_handle(portal, "ConfirmRegistration", body, peer, extra);
  CHECK(a.status == 200, "registration");
  ab_test_command(sb, "{\"op\":\"nopass.set_registration\",\"portal\":{\"portal_id\":\"%s\","
                      "\"auth_token\":\"token-of-%s\",\"s_code\":\"" S_CODE "\"}}",
                  portal_id, portal_id);
}

/* Starts a login for bob: the handle the browser gets and the authId only the NoPass server
 * knows. */
static void start_login(ab_portal *portal, char **handle, char **auth_id) {
  ab_portal_session s;
  memset(&s, 0, sizeof s);
  EXPECT_OK(ab_portal_request_authorization(portal, "bob", &s));
  *handle = strdup(s.handle ? s.handle : "");
  ab_portal_session_free(&s);
  *auth_id = ab_test_control_text(sb, "{\"op\":\"nopass.last_auth_id\",\"user_id\":\"bob\"}");
}

/* The sandbox registers the portal as the NoPass console does; the status of the attempt. */
static ab_status register_portal(void) {
  char *answer = NULL;
  ab_status status = ab_sandbox_control(sb, "{\"op\":\"nopass.register_portal\",\"admin_id\":\"" ADMIN_ID "\"}", &answer);
  ab_string_free(answer);
  return status;
}

/* The sandbox sends AuthorizedUser (authorised) for `auth_id`: the HTTP status of the portal's reply. */
static int send_authorized(const char *auth_id) {
  return ab_test_reply_status(
      ab_test_control(sb, "{\"op\":\"nopass.authorize\",\"auth_id\":\"%s\",\"authorized\":true}", auth_id));
}

static void authorized_body(char *body, size_t size, const char *auth_id) {
  snprintf(body, size, "{\"authId\":\"%s\",\"isAuthorized\":true,\"reason\":null}", auth_id);
}

/* ---- the scenarios ---- */

/* No access policy, or one that cannot work: no portal at all. */
static void without_a_policy(void) {
  struct host host;
  host_init(&host);
  ab_portal_hooks hooks = hooks_of(&host);
  ab_portal *portal = NULL;
  ab_portal_config *config = config_new();
  EXPECT_STATUS(ab_portal_new(config, &hooks, NULL, &portal), AB_STATUS_CONFIG, "no policy, no portal");
  CHECK(strstr(ab_error_message(), "access policy") != NULL, "the last error says what is missing");
  CHECK(portal == NULL, "nothing written");

  EXPECT_OK(ab_portal_config_accept_any_source(config));
  EXPECT_OK(ab_portal_config_allow_source(config, NOPASS_NET));
  EXPECT_STATUS(ab_portal_new(config, &hooks, NULL, &portal), AB_STATUS_INVALID_INPUT,
                "any source with another check is refused");
  ab_portal_config_free(config);

  config = config_new();
  EXPECT_OK(ab_portal_config_trust_proxy(config, PROXY_NET));
  EXPECT_STATUS(ab_portal_new(config, &hooks, NULL, &portal), AB_STATUS_INVALID_INPUT,
                "trusted proxies without allowed sources are refused");
  ab_portal_config_free(config);

  config = config_new();
  EXPECT_OK(ab_portal_config_require_header(config, "X-Portal-Secret", "short"));
  EXPECT_STATUS(ab_portal_new(config, &hooks, NULL, &portal), AB_STATUS_INVALID_INPUT, "a short secret is refused");
  EXPECT_OK(ab_portal_config_require_header(config, "Bad Header", SECRET));
  EXPECT_STATUS(ab_portal_new(config, &hooks, NULL, &portal), AB_STATUS_INVALID_INPUT,
                "an invalid header name is refused");
  EXPECT_OK(ab_portal_config_require_header(config, "X-Portal-Secret", SECRET));
  EXPECT_OK(ab_portal_config_set_redeem_ttl(config, 0));
  EXPECT_STATUS(ab_portal_new(config, &hooks, NULL, &portal), AB_STATUS_INVALID_INPUT, "a zero redeem time");
  EXPECT_OK(ab_portal_config_set_redeem_ttl(config, 1000));
  EXPECT_OK(ab_portal_config_set_hook_timeout(config, 0));
  EXPECT_STATUS(ab_portal_new(config, &hooks, NULL, &portal), AB_STATUS_INVALID_INPUT, "a zero hook timeout");
  EXPECT_OK(ab_portal_config_set_hook_timeout(config, 1000));
  EXPECT_OK(ab_portal_config_set_pre_registration_ttl(config, 0));
  EXPECT_STATUS(ab_portal_new(config, &hooks, NULL, &portal), AB_STATUS_INVALID_INPUT, "a zero pre-registration time");
  EXPECT_OK(ab_portal_config_set_pre_registration_ttl(config, 1000));
  EXPECT_OK(ab_portal_new(config, &hooks, NULL, &portal));
  ab_portal_free(portal);
  ab_portal_config_free(config);
  pthread_mutex_destroy(&host.lock);
}

/* Only the NoPass server's addresses, behind a reverse proxy: the host's web server hands
 * callbacks to ab_portal_handle with the socket peer. */
static void sources_through_handle(void) {
  struct host host;
  host_init(&host);
  ab_portal_config *config = config_new();
  EXPECT_OK(ab_portal_config_allow_source(config, NOPASS_NET));
  EXPECT_OK(ab_portal_config_trust_proxy(config, PROXY_NET));
  ab_portal *portal = portal_new(config, &host);
  register_directly(portal, NOPASS_IP, NULL, "portal-sources");
  char *handle, *auth_id;
  start_login(portal, &handle, &auth_id);
  char body[256];
  authorized_body(body, sizeof body, auth_id);
  struct snap before = snap_of(portal, handle);
  CHECK(before.state == AB_PORTAL_SESSION_STATE_PENDING, "pending login");

  refused("AuthorizedUser from the attacker's address", via_handle(portal, "AuthorizedUser", body, ATTACKER_IP, NULL),
          403, "forbidden_source", portal, handle, before);
  refused("AuthorizedUser from an unknown address", via_handle(portal, "AuthorizedUser", body, NULL, NULL), 403,
          "forbidden_source", portal, handle, before);
  const char *forged[] = {"X-Forwarded-For", NOPASS_IP, NULL};
  refused("X-Forwarded-For forged by an untrusted peer",
          via_handle(portal, "AuthorizedUser", body, ATTACKER_IP, forged), 403, "forbidden_source", portal, handle,
          before);
  const char *prepended[] = {"X-Forwarded-For", NOPASS_IP ", " ATTACKER_IP, NULL};
  refused("a NoPass address the caller put in front of what the proxy appended",
          via_handle(portal, "AuthorizedUser", body, PROXY_IP, prepended), 403, "forbidden_source", portal, handle,
          before);
  refused("the proxy's own address", via_handle(portal, "AuthorizedUser", body, PROXY_IP, NULL), 403,
          "forbidden_source", portal, handle, before);
  const char *garbage[] = {"X-Forwarded-For", "not-an-address", NULL};
  refused("a malformed X-Forwarded-For", via_handle(portal, "AuthorizedUser", body, PROXY_IP, garbage), 403,
          "forbidden_source", portal, handle, before);
  CHECK(calls(&host, AB_PORTAL_CALLBACK_AUTHORIZED_USER) == 0, "no refused callback reached the hook");
  not_redeemable(portal, handle, AB_STATUS_CONFLICT, "a pending login is not redeemed");

  /* control: the NoPass server through the trusted proxy */
  struct answer a = via_handle(portal, "AuthorizedUser", body, PROXY_IP, forged);
  CHECK(a.status == 200, "the NoPass server through the proxy is served");
  struct snap after = snap_of(portal, handle);
  CHECK(after.state == AB_PORTAL_SESSION_STATE_AUTHORIZED && after.version > before.version, "authorised");

  /* the NoPass server's retry, and a second redeem */
  refused("AuthorizedUser again", via_handle(portal, "AuthorizedUser", body, NOPASS_IP, NULL), 409, "session_finished",
          portal, handle, after);
  redeem_as(portal, handle, "bob", "the login is redeemed once");
  struct snap redeemed = snap_of(portal, handle);
  CHECK(redeemed.state == AB_PORTAL_SESSION_STATE_REDEEMED, "redeemed");
  not_redeemable(portal, handle, AB_STATUS_CONFLICT, "a second redeem is refused");
  refused("AuthorizedUser after the redeem", via_handle(portal, "AuthorizedUser", body, NOPASS_IP, NULL), 409,
          "session_finished", portal, handle, redeemed);
  CHECK(same(redeemed, snap_of(portal, handle)), "the refused redeem changed nothing");
  free(handle);
  free(auth_id);
  ab_portal_free(portal);
  pthread_mutex_destroy(&host.lock);
}

/* The same policy on the embedded receiver: its peer is this test (127.0.0.1). */
static void sources_through_receiver(void) {
  struct host host;
  host_init(&host);
  ab_portal_config *config = config_new();
  EXPECT_OK(ab_portal_config_allow_source(config, NOPASS_NET));
  ab_portal *portal = portal_new(config, &host);
  ab_portal_server *server = NULL;
  char *url = serve(portal, &server);

  /* a hijack of the unregistered portal */
  struct snap before = snap_of(portal, NULL);
  EXPECT_STATUS(register_portal(), AB_STATUS_HTTP_STATUS, "a caller outside the sources cannot register the portal");
  CHECK(ab_error_http_status() == 403, "403");
  CHECK(same(before, snap_of(portal, NULL)), "still unregistered");
  const char *pre = "{\"adminId\":\"" ADMIN_ID "\",\"r\":41}";
  refused("X-Forwarded-For from a peer that is no trusted proxy",
          via_http(url, "ConfirmPreRegistration", pre, "X-Forwarded-For: " NOPASS_IP "\r\n"), 403, "forbidden_source",
          portal, NULL, before);
  CHECK(calls(&host, AB_PORTAL_CALLBACK_CONFIRM_PRE_REGISTRATION) == 0, "the hook never ran");

  /* registered through the host's own web server, then a forged login decision */
  register_directly(portal, NOPASS_IP, NULL, "portal-receiver");
  char *handle, *auth_id;
  start_login(portal, &handle, &auth_id);
  char body[256];
  authorized_body(body, sizeof body, auth_id);
  before = snap_of(portal, handle);
  CHECK(send_authorized(auth_id) == 403 && same(before, snap_of(portal, handle)), "AuthorizedUser from outside the sources");
  refused("AuthorizedUser with a forged X-Forwarded-For",
          via_http(url, "AuthorizedUser", body, "X-Forwarded-For: " NOPASS_IP "\r\n"), 403, "forbidden_source", portal,
          handle, before);
  CHECK(calls(&host, AB_PORTAL_CALLBACK_AUTHORIZED_USER) == 0, "the hook never ran");
  not_redeemable(portal, handle, AB_STATUS_CONFLICT, "nothing to redeem");
  free(handle);
  free(auth_id);
  ab_string_free(url);
  ab_portal_server_free(server);
  ab_portal_free(portal);

  /* the receiver behind a reverse proxy on this machine */
  host_reset(&host);
  config = config_new();
  EXPECT_OK(ab_portal_config_allow_source(config, NOPASS_NET));
  EXPECT_OK(ab_portal_config_trust_proxy(config, "127.0.0.1"));
  portal = portal_new(config, &host);
  url = serve(portal, &server);
  register_directly(portal, NOPASS_IP, NULL, "portal-proxied");
  start_login(portal, &handle, &auth_id);
  authorized_body(body, sizeof body, auth_id);
  before = snap_of(portal, handle);
  refused("AuthorizedUser through the proxy from the attacker",
          via_http(url, "AuthorizedUser", body, "X-Forwarded-For: " ATTACKER_IP "\r\n"), 403, "forbidden_source",
          portal, handle, before);
  refused("a NoPass address put in front by the attacker",
          via_http(url, "AuthorizedUser", body, "X-Forwarded-For: " NOPASS_IP ", " ATTACKER_IP "\r\n"), 403,
          "forbidden_source", portal, handle, before);
  refused("the same, in two headers",
          via_http(url, "AuthorizedUser", body,
                   "X-Forwarded-For: " NOPASS_IP "\r\nX-Forwarded-For: " ATTACKER_IP "\r\n"),
          403, "forbidden_source", portal, handle, before);
  refused("the proxy without X-Forwarded-For", via_http(url, "AuthorizedUser", body, NULL), 403, "forbidden_source",
          portal, handle, before);
  CHECK(calls(&host, AB_PORTAL_CALLBACK_AUTHORIZED_USER) == 0, "the hook never ran");
  struct answer a = via_http(url, "AuthorizedUser", body, "X-Forwarded-For: " NOPASS_IP "\r\n");
  CHECK(a.status == 200, "the NoPass server through the proxy is served");
  redeem_as(portal, handle, "bob", "redeemed");
  not_redeemable(portal, handle, AB_STATUS_CONFLICT, "once");
  free(handle);
  free(auth_id);
  ab_string_free(url);
  ab_portal_server_free(server);
  ab_portal_free(portal);
  pthread_mutex_destroy(&host.lock);
}

/* A secret header the reverse proxy adds, on the embedded receiver and through
 * ab_portal_handle; then a bearer token. */
static void shared_secret(void) {
  struct host host;
  host_init(&host);
  ab_portal_config *config = config_new();
  EXPECT_OK(ab_portal_config_require_header(config, "X-Portal-Secret", SECRET));
  ab_portal *portal = portal_new(config, &host);
  ab_portal_server *server = NULL;
  char *url = serve(portal, &server);
  const char *with_secret[] = {"X-Portal-Secret", SECRET, NULL};
  register_directly(portal, NULL, with_secret, "portal-secret");
  char *handle, *auth_id;
  start_login(portal, &handle, &auth_id);
  char body[256];
  authorized_body(body, sizeof body, auth_id);
  struct snap before = snap_of(portal, handle);

  CHECK(send_authorized(auth_id) == 401 && same(before, snap_of(portal, handle)), "AuthorizedUser without the secret");
  refused("a wrong secret", via_http(url, "AuthorizedUser", body, "X-Portal-Secret: s3cret-from-somewhere-else\r\n"),
          401, "unauthorized", portal, handle, before);
  refused("the secret cut short", via_http(url, "AuthorizedUser", body, "X-Portal-Secret: s3cret-from-the\r\n"), 401,
          "unauthorized", portal, handle, before);
  refused("the secret in another header", via_http(url, "AuthorizedUser", body, "X-Other: " SECRET "\r\n"), 401,
          "unauthorized", portal, handle, before);
  refused("the secret as a bearer token", via_http(url, "AuthorizedUser", body, "Authorization: Bearer " SECRET "\r\n"),
          401, "unauthorized", portal, handle, before);
  const char *wrong[] = {"X-Portal-Secret", "s3cret-from-somewhere-else", NULL};
  refused("a wrong secret through ab_portal_handle", via_handle(portal, "AuthorizedUser", body, NOPASS_IP, wrong), 401,
          "unauthorized", portal, handle, before);
  CHECK(calls(&host, AB_PORTAL_CALLBACK_AUTHORIZED_USER) == 0, "the hook never ran");
  not_redeemable(portal, handle, AB_STATUS_CONFLICT, "nothing to redeem");
  struct answer a = via_http(url, "AuthorizedUser", body, "x-portal-secret: " SECRET "\r\n");
  CHECK(a.status == 200, "the right secret is served");
  redeem_as(portal, handle, "bob", "redeemed");
  free(handle);
  free(auth_id);
  ab_string_free(url);
  ab_portal_server_free(server);
  ab_portal_free(portal);

  /* a bearer token: a hijack of the unregistered portal */
  host_reset(&host);
  config = config_new();
  EXPECT_OK(ab_portal_config_require_bearer_token(config, SECRET));
  portal = portal_new(config, &host);
  const char *pre = "{\"adminId\":\"" ADMIN_ID "\",\"r\":41}";
  before = snap_of(portal, NULL);
  const char *wrong_bearer[] = {"Authorization", "Bearer s3cret-from-somewhere-else", NULL};
  a = via_handle(portal, "ConfirmPreRegistration", pre, NOPASS_IP, wrong_bearer);
  refused("a wrong bearer token", a, 401, "unauthorized", portal, NULL, before);
  CHECK(has(&a, "WWW-Authenticate: Bearer"), "a bearer challenge");
  const char *bare[] = {"Authorization", SECRET, NULL};
  refused("the token without Bearer", via_handle(portal, "ConfirmPreRegistration", pre, NOPASS_IP, bare), 401,
          "unauthorized", portal, NULL, before);
  refused("no token", via_handle(portal, "ConfirmPreRegistration", pre, NOPASS_IP, NULL), 401, "unauthorized", portal,
          NULL, before);
  CHECK(calls(&host, AB_PORTAL_CALLBACK_CONFIRM_PRE_REGISTRATION) == 0, "the hook never ran");
  const char *bearer[] = {"Authorization", "Bearer " SECRET, NULL};
  a = via_handle(portal, "ConfirmPreRegistration", pre, NOPASS_IP, bearer);
  CHECK(a.status == 200 && snap_of(portal, NULL).phase == AB_PORTAL_PHASE_PRE_REGISTERED, "the right token");
  ab_portal_free(portal);
  pthread_mutex_destroy(&host.lock);
}

/* Client certificates: neither ab_portal_handle nor this receiver (no TLS yet) can present a
 * verified one, so everything is refused. */
static void client_certificate(void) {
  struct host host;
  host_init(&host);
  ab_portal_config *config = config_new();
  EXPECT_OK(ab_portal_config_require_client_certificate(config));
  ab_portal *portal = portal_new(config, &host);
  ab_portal_server *server = NULL;
  char *url = serve(portal, &server);
  struct snap before = snap_of(portal, NULL);
  EXPECT_STATUS(register_portal(), AB_STATUS_HTTP_STATUS, "no certificate, no registration");
  CHECK(ab_error_http_status() == 403 && same(before, snap_of(portal, NULL)), "403, still unregistered");
  const char *pre = "{\"adminId\":\"" ADMIN_ID "\",\"r\":41}";
  const char *claims[] = {"X-Client-Cert-Verified", "true", NULL};
  refused("a header claiming a certificate", via_handle(portal, "ConfirmPreRegistration", pre, NOPASS_IP, claims),
          403, "client_certificate_required", portal, NULL, before);
  CHECK(calls(&host, AB_PORTAL_CALLBACK_CONFIRM_PRE_REGISTRATION) == 0, "the hook never ran");
  ab_string_free(url);
  ab_portal_server_free(server);
  ab_portal_free(portal);
  pthread_mutex_destroy(&host.lock);
}

struct redeemer {
  ab_portal *portal;
  const char *handle;
  ab_status status;
  char user[32];
};

static void *redeem_thread(void *arg) {
  struct redeemer *r = arg;
  ab_portal_redeemed_login login;
  memset(&login, 0, sizeof login);
  r->status = ab_portal_redeem_login(r->portal, r->handle, &login);
  if (r->status == AB_STATUS_OK) snprintf(r->user, sizeof r->user, "%s", login.user_id);
  ab_portal_redeemed_login_free(&login);
  return NULL;
}

/* No access check at all (the explicit opt-in): what stays safe is in the handles, the
 * registrations and the adminId throttle. Served by the embedded receiver. */
static void any_source(void) {
  struct host host;
  host_init(&host);
  ab_portal_config *config = config_new();
  EXPECT_OK(ab_portal_config_accept_any_source(config));
  ab_portal *portal = portal_new(config, &host);
  ab_portal_server *server = NULL;
  char *url = serve(portal, &server);

  /* guessing the adminId: 3 wrong guesses are free, the 4th locks this source out for 1 s */
  struct snap before = snap_of(portal, NULL);
  for (int i = 0; i < 4; i++) {
    int http = ab_test_reply_status(ab_test_control(
        sb, "{\"op\":\"nopass.send\",\"callback\":\"ConfirmPreRegistration\",\"body\":{\"adminId\":\"guess\",\"r\":1}}"));
    CHECK(http == 403, "a wrong adminId is refused");
  }
  struct answer a = via_http(url, "ConfirmPreRegistration", "{\"adminId\":\"" ADMIN_ID "\",\"r\":1}", NULL);
  refused("even the right adminId while locked out", a, 429, "Retry-After", portal, NULL, before);
  EXPECT_STATUS(register_portal(), AB_STATUS_HTTP_STATUS, "locked out");
  CHECK(ab_error_http_status() == 429 && same(before, snap_of(portal, NULL)), "429, still unregistered");
  CHECK(calls(&host, AB_PORTAL_CALLBACK_CONFIRM_PRE_REGISTRATION) == 0, "the hook never ran");
  /* another source has its own count: its wrong guesses are refused, not throttled */
  a = via_handle(portal, "ConfirmPreRegistration", "{\"adminId\":\"guess\",\"r\":1}", ATTACKER_IP, NULL);
  refused("another source's wrong guess", a, 403, "admin_id_mismatch", portal, NULL, before);
  sleep_ms(1100);
  EXPECT_OK(register_portal());
  char *portal_id = NULL;
  ab_portal_phase phase = 0;
  EXPECT_OK(ab_portal_status(portal, &phase, &portal_id, NULL));
  CHECK(phase == AB_PORTAL_PHASE_REGISTERED && portal_id, "registered after the lockout");

  /* the browser's handle is no authId */
  char *handle, *auth_id;
  start_login(portal, &handle, &auth_id);
  before = snap_of(portal, handle);
  char body[256];
  authorized_body(body, sizeof body, handle);
  refused("AuthorizedUser with the browser's handle", via_http(url, "AuthorizedUser", body, NULL), 404,
          "unknown_auth_id", portal, handle, before);
  authorized_body(body, sizeof body, "6f1c3a52-0d4e-4b7a-9c1e-2f3b4a5c6d7e");
  refused("AuthorizedUser with a guessed authId", via_http(url, "AuthorizedUser", body, NULL), 404, "unknown_auth_id",
          portal, handle, before);
  CHECK(calls(&host, AB_PORTAL_CALLBACK_AUTHORIZED_USER) == 0, "the hook never ran");

  /* four threads redeem the authorised login at once: one gets it */
  ab_test_command(sb, "{\"op\":\"nopass.drive_login\",\"auth_id\":\"%s\",\"pictures\":0,\"authorized\":true}", auth_id);
  struct redeemer r[4];
  pthread_t threads[4];
  for (int i = 0; i < 4; i++) {
    r[i] = (struct redeemer){portal, handle, AB_STATUS_PANIC, ""};
    pthread_create(&threads[i], NULL, redeem_thread, &r[i]);
  }
  int ok = 0, conflict = 0;
  for (int i = 0; i < 4; i++) {
    pthread_join(threads[i], NULL);
    if (r[i].status == AB_STATUS_OK && strcmp(r[i].user, "bob") == 0) ok++;
    if (r[i].status == AB_STATUS_CONFLICT) conflict++;
  }
  CHECK(ok == 1 && conflict == 3, "one of four concurrent redeems succeeds");
  free(handle);
  free(auth_id);

  /* forged registrations, with a host that accepts every ValidateUserRegistration */
  const char *validate = "{\"otp\":\"attacker-otp-1\",\"givenName\":null,\"surName\":null,\"phoneNumber\":null,"
                         "\"email\":\"alice@example.com\",\"login\":\"alice\",\"profileImageUrl\":null}";
  bool handle_null = false;
  a = via_http(url, "ValidateUserRegistration", validate, NULL);
  CHECK(a.status == 200 && last_origin(&host, &handle_null) == AB_PORTAL_REGISTRATION_ORIGIN_NOPASS_SERVER,
        "the hook is told who started the registration");
  char confirm[512];
  snprintf(confirm, sizeof confirm,
           "{\"otp\":\"attacker-otp-1\",\"portalId\":\"guessed-portal\",\"session\":{\"authId\":\"attacker-auth\","
           "\"login\":\"alice\"}}");
  before = snap_of(portal, NULL);
  refused("ConfirmUserRegistration with a guessed portalId", via_http(url, "ConfirmUserRegistration", confirm, NULL),
          403, "portal_id_mismatch", portal, NULL, before);
  /* even knowing the portalId, the caller's registration authorises nothing */
  snprintf(confirm, sizeof confirm,
           "{\"otp\":\"attacker-otp-1\",\"portalId\":\"%s\",\"session\":{\"authId\":\"attacker-auth\","
           "\"login\":\"alice\"}}",
           portal_id);
  a = via_http(url, "ConfirmUserRegistration", confirm, NULL);
  CHECK(a.status == 200 && last_origin(&host, &handle_null) == AB_PORTAL_REGISTRATION_ORIGIN_NOPASS_SERVER &&
            handle_null,
        "the NoPass server's registration reaches the hook marked as such, with no session");
  ab_portal_session s;
  memset(&s, 0, sizeof s);
  EXPECT_STATUS(ab_portal_session_get(portal, "attacker-auth", &s), AB_STATUS_NOT_FOUND, "no session opened");
  not_redeemable(portal, "attacker-auth", AB_STATUS_NOT_FOUND, "nothing to redeem");
  authorized_body(body, sizeof body, "attacker-auth");
  refused("AuthorizedUser for the forged registration", via_http(url, "AuthorizedUser", body, NULL), 404,
          "unknown_auth_id", portal, NULL, before);

  /* a registration the portal started: a guessed otp completes nothing */
  ab_portal_pre_registered pre;
  memset(&pre, 0, sizeof pre);
  EXPECT_OK(ab_portal_pre_register_user(portal, "dave", NULL, NULL, NULL, NULL, NULL, NULL, NULL, &pre));
  before = snap_of(portal, pre.handle);
  CHECK(before.state == AB_PORTAL_SESSION_STATE_PENDING, "the registration's session waits");
  snprintf(confirm, sizeof confirm,
           "{\"otp\":\"guessed-otp\",\"portalId\":\"%s\",\"session\":{\"authId\":\"attacker-auth-2\",\"login\":\"dave\"}}",
           portal_id);
  refused("ConfirmUserRegistration with a guessed otp", via_http(url, "ConfirmUserRegistration", confirm, NULL), 403,
          "otp_refused", portal, pre.handle, before);
  not_redeemable(portal, pre.handle, AB_STATUS_CONFLICT, "the registration is not complete");
  char *registered_auth_id =
      ab_test_control_text(sb, "{\"op\":\"nopass.complete_user_registration\",\"user_id\":\"dave\"}");
  CHECK(last_origin(&host, &handle_null) == AB_PORTAL_REGISTRATION_ORIGIN_PORTAL && !handle_null,
        "the portal's registration reaches the hook with its handle");
  redeem_as(portal, pre.handle, "dave", "the completed registration is redeemed");
  not_redeemable(portal, pre.handle, AB_STATUS_CONFLICT, "once");
  free(registered_auth_id);
  ab_portal_pre_registered_free(&pre);
  ab_string_free(portal_id);
  ab_string_free(url);
  ab_portal_server_free(server);
  ab_portal_free(portal);
  pthread_mutex_destroy(&host.lock);
}

/* Time limits: a pre-registration lapses, an authorised login nobody redeems expires, and a
 * slow hook decides nothing. */
static void time_limits(void) {
  struct host host;
  host_init(&host);
  ab_portal_config *config = config_new();
  EXPECT_OK(ab_portal_config_allow_source(config, NOPASS_NET));
  EXPECT_OK(ab_portal_config_set_pre_registration_ttl(config, 1000));
  ab_portal *portal = portal_new(config, &host);
  struct answer a = via_handle(portal, "ConfirmPreRegistration", "{\"adminId\":\"" ADMIN_ID "\",\"r\":1}", NOPASS_IP,
                               NULL);
  CHECK(a.status == 200 && snap_of(portal, NULL).phase == AB_PORTAL_PHASE_PRE_REGISTERED, "pre-registered");
  sleep_ms(1500);
  struct snap before = snap_of(portal, NULL);
  CHECK(before.phase == AB_PORTAL_PHASE_UNREGISTERED, "the pre-registration lapsed");
  refused("ConfirmRegistration after the lapse",
          via_handle(portal, "ConfirmRegistration", "{\"portalId\":\"late\",\"authToken\":\"t\",\"settings\":null}",
                     NOPASS_IP, NULL),
          409, "not_pre_registered", portal, NULL, before);
  ab_portal_free(portal);

  host_reset(&host);
  config = config_new();
  EXPECT_OK(ab_portal_config_allow_source(config, NOPASS_NET));
  EXPECT_OK(ab_portal_config_set_redeem_ttl(config, 1000));
  EXPECT_OK(ab_portal_config_set_hook_timeout(config, 1000));
  portal = portal_new(config, &host);
  register_directly(portal, NOPASS_IP, NULL, "portal-timed");
  char *handle, *auth_id;
  start_login(portal, &handle, &auth_id);
  char body[256];
  authorized_body(body, sizeof body, auth_id);
  before = snap_of(portal, handle);
  pthread_mutex_lock(&host.lock);
  host.slow_ms = 2500;
  pthread_mutex_unlock(&host.lock);
  a = via_handle(portal, "AuthorizedUser", body, NOPASS_IP, NULL);
  refused("a hook past its deadline", a, 503, "Retry-After", portal, handle, before);
  for (int i = 0; i < 200; i++) { /* the hook is not interrupted: wait for it to return */
    pthread_mutex_lock(&host.lock);
    bool done = host.slow_done;
    pthread_mutex_unlock(&host.lock);
    if (done) break;
    sleep_ms(50);
  }
  CHECK(same(before, snap_of(portal, handle)), "the late hook changed nothing");
  a = via_handle(portal, "AuthorizedUser", body, NOPASS_IP, NULL);
  CHECK(a.status == 200 && snap_of(portal, handle).state == AB_PORTAL_SESSION_STATE_AUTHORIZED,
        "the NoPass server's retry is decided");
  sleep_ms(1500);
  CHECK(snap_of(portal, handle).state == AB_PORTAL_SESSION_STATE_EXPIRED, "not redeemed in time: expired");
  not_redeemable(portal, handle, AB_STATUS_AUTHENTICATION_FAILED, "an expired login is not redeemed");
  free(handle);
  free(auth_id);
  ab_portal_free(portal);
  pthread_mutex_destroy(&host.lock);
}

int main(void) {
  EXPECT_OK(ab_sandbox_start(&sb));
  EXPECT_OK(ab_sandbox_url(sb, "nopass", &nopass_url));
  ab_test_command(sb, "{\"op\":\"nopass.add_user\",\"user_id\":\"bob\"}");

  without_a_policy();
  sources_through_handle();
  sources_through_receiver();
  shared_secret();
  client_certificate();
  any_source();
  time_limits();

  ab_string_free(nopass_url);
  ab_sandbox_free(sb);
  if (abtest_failures()) return 1;
  printf("nopass_attack_test: ok\n");
  return 0;
}
