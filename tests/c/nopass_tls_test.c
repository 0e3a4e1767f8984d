/* The embedded receiver's options through the C ABI: a portal that requires a client
 * certificate, served with mutual TLS, answers the NoPass server's callback (a client with a
 * certificate from the configured CA) with 200, while a client without a certificate, or with
 * one from another CA, is refused at the handshake; served with TLS but no client CA, it
 * refuses every caller with 403 client_certificate_required; unusable PEM is AB_STATUS_CONFIG
 * without the key in the message; a short header read timeout closes a connection that sends
 * nothing.
 *
 * The certificates come from tests/c/make_test_pki.sh (run by tests/cross/10-c.sh) in the
 * directory named by AB_TEST_PKI_DIR. The NoPass server is played by the curl command-line
 * tool, which can present a client certificate. */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "abtest.h"

#define ADMIN_ID "admin-1"
#define S_CODE "s-code-1"
#define PRE_REGISTRATION "{\"adminId\":\"" ADMIN_ID "\",\"r\":41}"

static const char *pki;

/* The whole file `<pki>/<name>`, NUL-terminated (free it), or NULL. */
static char *pem(const char *name) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", pki, name);
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "cannot open %s\n", path);
    return NULL;
  }
  char *text = calloc(1, 64 * 1024);
  size_t n = text ? fread(text, 1, 64 * 1024 - 1, f) : 0;
  fclose(f);
  if (text) text[n] = '\0';
  return text;
}

/* What curl got for one callback: the HTTP status (0 when no answer came), the body, and
 * curl's exit code. */
struct answer {
  int status;
  int exit_code;
  char body[2048];
};

/* POSTs the pre-registration callback to `url` with curl, trusting the test CA and presenting
 * `<identity>.pem` / `<identity>.key` if `identity` is not NULL. */
static struct answer post(const char *url, const char *identity) {
  struct answer a;
  memset(&a, 0, sizeof a);
  char cert[1024] = "";
  if (identity) snprintf(cert, sizeof cert, "--cert '%s/%s.pem' --key '%s/%s.key'", pki, identity, pki, identity);
  char command[4096];
  snprintf(command, sizeof command,
           "curl --silent --show-error --noproxy '*' --max-time 10 --cacert '%s/ca.pem' %s "
           "-H 'Content-Type: application/json-patch+json' --data-binary '%s' "
           "--write-out '\\n%%{http_code}' '%s/api/PortalCommunication/ConfirmPreRegistration' 2>&1",
           pki, cert, PRE_REGISTRATION, url);
  FILE *out = popen(command, "r");
  if (!out) {
    a.exit_code = -1;
    return a;
  }
  size_t n = fread(a.body, 1, sizeof a.body - 1, out);
  a.body[n] = '\0';
  int rc = pclose(out);
  a.exit_code = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  /* The last line is the status curl wrote out; what comes before is the body (or curl's error). */
  char *last = strrchr(a.body, '\n');
  if (last) {
    a.status = atoi(last + 1);
    *last = '\0';
  }
  for (n = strlen(a.body); n > 0 && a.body[n - 1] == '\n'; n--) a.body[n - 1] = '\0';
  return a;
}

static ab_portal *portal_requiring_a_certificate(void) {
  ab_portal_config *config = NULL;
  ab_portal *portal = NULL;
  EXPECT_OK(ab_portal_config_new(ADMIN_ID, S_CODE, &config));
  EXPECT_OK(ab_portal_config_require_client_certificate(config));
  EXPECT_OK(ab_portal_new(config, NULL, NULL, &portal));
  ab_portal_config_free(config);
  return portal;
}

static ab_portal_phase phase_of(ab_portal *portal) {
  ab_portal_phase phase = 0;
  EXPECT_OK(ab_portal_status(portal, &phase, NULL, NULL));
  return phase;
}

/* Options serving `server.pem`, with `client_ca` (a PEM file name) required if not NULL. */
static ab_receiver_options *tls_options(const char *client_ca) {
  ab_receiver_options *options = NULL;
  char *cert = pem("server.pem"), *key = pem("server.key");
  EXPECT_OK(ab_receiver_options_new(&options));
  EXPECT_OK(ab_receiver_options_set_tls(options, cert, key));
  if (client_ca) {
    char *ca = pem(client_ca);
    EXPECT_OK(ab_receiver_options_require_client_certificates(options, ca));
    free(ca);
  }
  free(cert);
  free(key);
  return options;
}

static void mutual_tls(void) {
  ab_portal *portal = portal_requiring_a_certificate();
  ab_receiver_options *options = tls_options("ca.pem");
  ab_portal_server *server = NULL;
  char *url = NULL;
  EXPECT_OK(ab_portal_server_start_with_options(portal, "127.0.0.1:0", options, &server));
  ab_receiver_options_free(options); /* the server took a copy */
  EXPECT_OK(ab_portal_server_url(server, &url));
  CHECK(url && strncmp(url, "https://127.0.0.1:", 18) == 0, "the URL of a TLS receiver is https");

  struct answer a = post(url, NULL);
  CHECK(a.exit_code != 0 && a.status == 0, "a client without a certificate got past the handshake");
  printf("  no certificate: curl exit %d: %s\n", a.exit_code, a.body);
  a = post(url, "stranger");
  CHECK(a.exit_code != 0 && a.status == 0, "a certificate from another CA got past the handshake");
  CHECK(phase_of(portal) == AB_PORTAL_PHASE_UNREGISTERED, "refused callers changed nothing");

  a = post(url, "client");
  if (a.status != 200) fprintf(stderr, "  curl exit %d, status %d: %s\n", a.exit_code, a.status, a.body);
  CHECK(a.exit_code == 0 && a.status == 200, "the NoPass server's certificate gets its callback answered");
  CHECK(strstr(a.body, "\"r\":42") != NULL, "the pre-registration's answer");
  CHECK(phase_of(portal) == AB_PORTAL_PHASE_PRE_REGISTERED, "the callback was acted on");

  ab_string_free(url);
  ab_portal_server_free(server);
  ab_portal_free(portal);
}

static void tls_without_a_client_ca(void) {
  ab_portal *portal = portal_requiring_a_certificate();
  ab_receiver_options *options = tls_options(NULL);
  ab_portal_server *server = NULL;
  char *url = NULL;
  EXPECT_OK(ab_portal_server_start_with_options(portal, "127.0.0.1:0", options, &server));
  ab_receiver_options_free(options);
  EXPECT_OK(ab_portal_server_url(server, &url));
  /* A certificate the receiver did not ask for proves nothing. */
  const char *identities[] = {NULL, "client", "stranger"};
  for (size_t i = 0; i < sizeof identities / sizeof *identities; i++) {
    struct answer a = post(url, identities[i]);
    if (a.status != 403) fprintf(stderr, "  curl exit %d, status %d: %s\n", a.exit_code, a.status, a.body);
    CHECK(a.status == 403 && strstr(a.body, "\"client_certificate_required\"") != NULL,
          "TLS without a client CA: 403 client_certificate_required");
  }
  CHECK(phase_of(portal) == AB_PORTAL_PHASE_UNREGISTERED, "refused callers changed nothing");
  ab_string_free(url);
  ab_portal_server_free(server);
  ab_portal_free(portal);
}

/* Unusable PEM is AB_STATUS_CONFIG, and the last error never quotes the key. */
static void unusable_pem(void) {
  char *cert = pem("server.pem"), *key = pem("server.key"), *other_key = pem("client.key"), *ca = pem("ca.pem");
  ab_receiver_options *options = NULL;
  EXPECT_OK(ab_receiver_options_new(&options));

  EXPECT_STATUS(ab_receiver_options_require_client_certificates(options, ca), AB_STATUS_CONFIG,
                "a client CA without a server certificate");
  const char *secret_line = "c2VjcmV0IGtleSBtYXRlcmlhbA==!";
  char broken[256];
  snprintf(broken, sizeof broken, "-----BEGIN PRIVATE KEY-----\n%s\n-----END PRIVATE KEY-----\n", secret_line);
  const char *keys[] = {broken, "no key here", ""};
  for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
    EXPECT_STATUS(ab_receiver_options_set_tls(options, cert, keys[i]), AB_STATUS_CONFIG, "an unusable key");
    EXPECT_STR(ab_error_code(), "config", "an unusable key is a config error");
    CHECK(!strstr(ab_error_message(), "c2VjcmV0") && !strstr(ab_error_message(), "no key here"),
          "the message quotes the key");
  }
  EXPECT_STATUS(ab_receiver_options_set_tls(options, cert, other_key), AB_STATUS_CONFIG, "another certificate's key");
  EXPECT_STATUS(ab_receiver_options_set_tls(options, "not a certificate", key), AB_STATUS_CONFIG, "no certificate");
  EXPECT_OK(ab_receiver_options_set_tls(options, cert, key));
  EXPECT_STATUS(ab_receiver_options_require_client_certificates(options, "not a certificate"), AB_STATUS_CONFIG,
                "an unusable client CA bundle");
  EXPECT_OK(ab_receiver_options_require_client_certificates(options, ca));

  /* Options that would refuse every callback are refused when the server starts. */
  ab_portal *portal = portal_requiring_a_certificate();
  ab_portal_server *server = NULL;
  EXPECT_OK(ab_receiver_options_set_idle_timeout(options, 0));
  EXPECT_STATUS(ab_portal_server_start_with_options(portal, "127.0.0.1:0", options, &server), AB_STATUS_CONFIG,
                "a zero idle timeout");
  CHECK(server == NULL, "no server on failure");
  EXPECT_OK(ab_receiver_options_set_idle_timeout(options, 5000));
  EXPECT_OK(ab_receiver_options_set_max_connections(options, 0));
  EXPECT_STATUS(ab_portal_server_start_with_options(portal, "127.0.0.1:0", options, &server), AB_STATUS_CONFIG,
                "no connection allowed");
  ab_portal_free(portal);
  ab_receiver_options_free(options);
  free(cert);
  free(key);
  free(other_key);
  free(ca);
}

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* A connection that sends nothing is closed once the header read timeout has passed (the
 * defaults would keep it 5 s, the idle timeout). */
static void header_read_timeout(void) {
  ab_portal *portal = portal_requiring_a_certificate();
  ab_receiver_options *options = NULL;
  EXPECT_OK(ab_receiver_options_new(&options));
  EXPECT_OK(ab_receiver_options_set_header_read_timeout(options, 500));
  EXPECT_OK(ab_receiver_options_set_idle_timeout(options, 60000));
  EXPECT_OK(ab_receiver_options_set_body_read_timeout(options, 1000));
  EXPECT_OK(ab_receiver_options_set_shutdown_grace(options, 100));
  ab_portal_server *server = NULL;
  char *url = NULL;
  EXPECT_OK(ab_portal_server_start_with_options(portal, "127.0.0.1:0", options, &server));
  ab_receiver_options_free(options);
  EXPECT_OK(ab_portal_server_url(server, &url));
  CHECK(url && strncmp(url, "http://127.0.0.1:", 17) == 0, "without TLS the URL is http");
  int port = url ? atoi(strrchr(url, ':') + 1) : 0;

  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in addr;
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_port = htons((uint16_t)port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  struct timeval limit = {3, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  double opened = now_s();
  CHECK(connect(fd, (struct sockaddr *)&addr, sizeof addr) == 0, "connect");
  char byte;
  ssize_t got = recv(fd, &byte, 1, 0);
  double held = now_s() - opened;
  CHECK(got == 0 || (got < 0 && errno == ECONNRESET), "a silent connection is still open after 3 s");
  CHECK(held >= 0.4, "closed before the header read timeout");
  printf("  a silent connection was closed after %.2f s\n", held);
  close(fd);

  ab_string_free(url);
  ab_portal_server_free(server);
  ab_portal_free(portal);
}

int main(void) {
  pki = getenv("AB_TEST_PKI_DIR");
  if (!pki || !*pki) {
    fprintf(stderr, "nopass_tls_test: set AB_TEST_PKI_DIR to a directory made by tests/c/make_test_pki.sh\n");
    return 1;
  }
  mutual_tls();
  tls_without_a_client_ca();
  unusable_pem();
  header_read_timeout();
  if (abtest_failures()) return 1;
  printf("nopass_tls_test: ok\n");
  return 0;
}
