/* nevisIDM through the C ABI, against the sandbox: the four logins, typed login status,
 * vendor errors, faults, counters, transport settings and caller authentication. */
#include "abtest.h"

static ab_sandbox *sb;

/* The users of the tests, as control request fields. */
#define ALICE "\"client_ext_id\":\"1000\",\"user_ext_id\":\"alice\""
#define BOB "\"client_ext_id\":\"1000\",\"user_ext_id\":\"bob\""
#define PASSWORD "{\"kind\":\"password\"}"

static ab_nevis_client *client_for(const char *url, ab_transport_config *transport) {
  ab_nevis_config *config = NULL;
  ab_nevis_client *client = NULL;
  EXPECT_OK(ab_nevis_config_new(url, &config));
  if (transport) EXPECT_OK(ab_nevis_config_set_transport(config, transport));
  EXPECT_OK(ab_nevis_client_new(config, &client));
  ab_nevis_config_free(config); /* the client keeps its own copy */
  return client;
}

static uint64_t count(const char *route) {
  uint64_t n = 0;
  EXPECT_OK(ab_sandbox_request_count(sb, route, &n));
  return n;
}

static void version_and_names(void) {
  EXPECT_STR(ab_version(), AB_VERSION, "the loaded library is the header's version");
  EXPECT_STR(ab_status_name(AB_STATUS_NOT_FOUND), "not_found", "status name");
  EXPECT_STR(ab_status_name(AB_STATUS_NULL_ARGUMENT), "null_argument", "status name");
  EXPECT_STR(ab_status_name(12345), "other", "unknown status name");
}

static void logins(ab_nevis_client *client) {
  ab_nevis_login_status status = AB_NEVIS_LOGIN_STATUS_NONE;
  char *description = NULL;
  EXPECT_OK(ab_nevis_password_login(client, "1000", "alice", "correct horse", &status, &description));
  CHECK(status == AB_NEVIS_LOGIN_STATUS_OK, "password login status is OK (5)");
  CHECK(description && description[0], "password login has a description");
  ab_string_free(description);

  /* the description is optional */
  EXPECT_OK(ab_nevis_password_login(client, "1000", "alice", "correct horse", &status, NULL));

  description = NULL;
  EXPECT_OK(ab_nevis_device_password_login(client, "1000", "alice", "dev-1", "device pw", &status, &description));
  CHECK(status == AB_NEVIS_LOGIN_STATUS_OK && description, "device password login");
  ab_string_free(description);

  EXPECT_OK(ab_nevis_context_password_login(client, "1000", "alice", "vpn", "context pw", &status, NULL));
  CHECK(status == AB_NEVIS_LOGIN_STATUS_OK, "context password login");

  EXPECT_OK(ab_nevis_recovery_code_login(client, "1000", "alice", "R-1"));
  EXPECT_STATUS(ab_nevis_recovery_code_login(client, "1000", "alice", "R-1"), AB_STATUS_AUTHENTICATION_FAILED,
                "a recovery code works once");
  EXPECT_OK(ab_nevis_recovery_code_login(client, "1000", "alice", "R-2"));
}

static void wrong_passwords_lock(ab_nevis_client *client) {
  static const ab_nevis_login_status expected[] = {AB_NEVIS_LOGIN_STATUS_FAILED,
                                                   AB_NEVIS_LOGIN_STATUS_FAILED_LOCK_WARNING,
                                                   AB_NEVIS_LOGIN_STATUS_FAILED_LOCKED};
  static const char *codes[] = {"2", "3", "4"};
  for (int i = 0; i < 3; i++) {
    ab_nevis_login_status status = (ab_nevis_login_status)77;
    char *description = (char *)"untouched";
    EXPECT_STATUS(ab_nevis_password_login(client, "1000", "bob", "wrong", &status, &description),
                  AB_STATUS_AUTHENTICATION_FAILED, "a wrong password is refused");
    CHECK(status == 77 && strcmp(description, "untouched") == 0, "a failed call writes no out-parameter");
    CHECK(ab_error_nevis_login_status() == expected[i], "typed login status of the failure");
    EXPECT_STR(ab_error_code(), "authentication_failed", "error code");
    EXPECT_STR(ab_error_vendor(), "nevisidm", "error vendor");
    EXPECT_STR(ab_error_vendor_code(), codes[i], "nevisIDM statusCode as vendor code");
    CHECK(ab_error_http_status() == 200, "a wrong password is HTTP 200");
    CHECK(ab_error_status() == AB_STATUS_AUTHENTICATION_FAILED, "last error status");
  }
  char *state = ab_test_control(sb, "{\"op\":\"nevis.credential_state\"," BOB ",\"credential\":" PASSWORD "}");
  EXPECT_STR(state, "\"locked\"", "three failures lock the credential");
  ab_string_free(state);
  ab_nevis_login_status status;
  CHECK(ab_nevis_password_login(client, "1000", "bob", "bob pw", &status, NULL) != AB_STATUS_OK,
        "a locked credential refuses even the right password");
  ab_test_command(sb, "{\"op\":\"nevis.set_state\"," BOB ",\"credential\":" PASSWORD ",\"state\":\"active\"}");
  EXPECT_OK(ab_nevis_password_login(client, "1000", "bob", "bob pw", &status, NULL));

  char *answer = (char *)"untouched";
  EXPECT_STATUS(ab_sandbox_control(sb,
                                   "{\"op\":\"nevis.set_state\"," BOB ",\"credential\":{\"kind\":\"device_password\"},"
                                   "\"state\":\"active\"}",
                                   &answer),
                AB_STATUS_INVALID_INPUT, "a device password needs its id");
  EXPECT_NAMES_ARG("set_state", "credential_ext_id");
  CHECK(strcmp(answer, "untouched") == 0, "a refused request writes no answer");
  EXPECT_STATUS(ab_sandbox_control(sb,
                                   "{\"op\":\"nevis.set_state\"," BOB ",\"credential\":{\"kind\":\"fingerprint\"},"
                                   "\"state\":\"active\"}",
                                   &answer),
                AB_STATUS_INVALID_INPUT, "an unknown credential kind is refused");
  state = ab_test_control(sb, "{\"op\":\"nevis.credential_state\"," BOB ","
                              "\"credential\":{\"kind\":\"context_password\",\"context\":\"none\"}}");
  EXPECT_STR(state, "null", "no state for a missing credential");
  ab_string_free(state);
}

static void vendor_errors(ab_nevis_client *client) {
  ab_nevis_login_status status;
  EXPECT_STATUS(ab_nevis_password_login(client, "1000", "nobody", "x", &status, NULL), AB_STATUS_NOT_FOUND,
                "unknown user");
  EXPECT_STR(ab_error_vendor_code(), "errors.noRecord", "nevisIDM error code");
  CHECK(ab_error_http_status() == 404, "HTTP 404");
  CHECK(ab_error_vendor_message() && strstr(ab_error_vendor_message(), "nobody"), "vendor message names the user");
  CHECK(ab_error_nevis_login_status() == AB_NEVIS_LOGIN_STATUS_NONE, "not a login status");

  /* refused before sending: nothing reaches the server */
  uint64_t before = count("nevisidm.password_login");
  EXPECT_STATUS(ab_nevis_password_login(client, "1000", "alice", "", &status, NULL), AB_STATUS_INVALID_INPUT,
                "empty password");
  EXPECT_NAMES_ARG("empty password", "password");
  CHECK(count("nevisidm.password_login") == before, "invalid input is refused before sending");

  /* ids are one percent-encoded path segment each */
  ab_nevis_password_login(client, "1000", "a/b?c", "x", &status, NULL);
  char *path = ab_test_control(sb, "{\"op\":\"nevis.last_raw_path\"}");
  CHECK(path && strstr(path, "/a%2Fb%3Fc/"), "user id is percent-encoded");
  ab_string_free(path);

  ab_error_clear();
  CHECK(ab_error_status() == AB_STATUS_OK && strcmp(ab_error_code(), "") == 0 && ab_error_vendor() == NULL,
        "ab_error_clear forgets the last error");
  CHECK(ab_error_retry_after_ms() == -1 && ab_error_http_status() == 0, "cleared error has no details");
}

static void faults(ab_nevis_client *client, const char *url) {
  ab_nevis_login_status status;
  /* a rate limit longer than the client waits comes back with its Retry-After */
  EXPECT_OK(ab_sandbox_arm(sb, "nevisidm.password_login", "{\"kind\":\"status\",\"status\":429,\"retry_after\":\"120\"}", 1));
  EXPECT_STATUS(ab_nevis_password_login(client, "1000", "alice", "correct horse", &status, NULL),
                AB_STATUS_RATE_LIMITED, "429");
  CHECK(ab_error_retry_after_ms() == 120000, "retry-after in milliseconds");
  CHECK(ab_error_http_status() == 429, "HTTP 429");

  /* a password is never sent twice once the server may have seen it */
  ab_test_command(sb, "{\"op\":\"sandbox.reset_counts\"}");
  EXPECT_OK(ab_sandbox_arm(sb, "nevisidm.password_login", "{\"kind\":\"reset\"}", 1));
  EXPECT_STATUS(ab_nevis_password_login(client, "1000", "alice", "correct horse", &status, NULL),
                AB_STATUS_TRANSPORT, "connection reset after sending");
  CHECK(count("nevisidm.password_login") == 1, "the password was not replayed");

  EXPECT_OK(ab_sandbox_arm(sb, "nevisidm.password_login", "{\"kind\":\"truncated_body\"}", 1));
  ab_status s = ab_nevis_password_login(client, "1000", "alice", "correct horse", &status, NULL);
  CHECK(s == AB_STATUS_TRANSPORT || s == AB_STATUS_DECODE, "truncated answer fails");

  /* time limits from the transport settings */
  ab_transport_config *transport = NULL;
  EXPECT_OK(ab_transport_config_new(&transport));
  EXPECT_OK(ab_transport_config_set_timeouts(transport, 5000, 2000));
  EXPECT_OK(ab_transport_config_set_retry(transport, 1, 100, 1000, 1000));
  EXPECT_OK(ab_transport_config_set_max_response_bytes(transport, 1024));
  EXPECT_OK(ab_transport_config_set_use_env_proxy(transport, false));
  EXPECT_OK(ab_transport_config_set_proxy(transport, NULL));
  EXPECT_OK(ab_transport_config_set_user_agent_suffix(transport, "c-tests/1"));
  ab_nevis_client *impatient = client_for(url, transport);
  ab_transport_config_free(transport);
  EXPECT_OK(ab_sandbox_arm(sb, "nevisidm.password_login", "{\"kind\":\"delay\",\"ms\":6000}", 1));
  EXPECT_STATUS(ab_nevis_password_login(impatient, "1000", "alice", "correct horse", &status, NULL),
                AB_STATUS_TIMEOUT, "request timeout");
  EXPECT_OK(ab_sandbox_arm(sb, "nevisidm.password_login", "{\"kind\":\"large_body\",\"bytes\":10000}", 1));
  EXPECT_STATUS(ab_nevis_password_login(impatient, "1000", "alice", "correct horse", &status, NULL),
                AB_STATUS_RESPONSE_TOO_LARGE, "response size limit");
  ab_nevis_client_free(impatient);

  EXPECT_OK(ab_sandbox_arm(sb, "nevisidm.password_login", "{\"kind\":\"status\",\"status\":503}", 0));
  CHECK(ab_nevis_password_login(client, "1000", "alice", "correct horse", &status, NULL) != AB_STATUS_OK,
        "a fault armed until cleared");
  ab_test_command(sb, "{\"op\":\"sandbox.clear_faults\"}");
  EXPECT_OK(ab_nevis_password_login(client, "1000", "alice", "correct horse", &status, NULL));
}

static void caller_authentication(const char *url) {
  ab_nevis_login_status status;
  ab_test_command(sb, "{\"op\":\"nevis.require_header\",\"name\":\"authorization\",\"value\":\"Bearer svc-token\"}");
  ab_nevis_client *anonymous = client_for(url, NULL);
  EXPECT_STATUS(ab_nevis_password_login(anonymous, "1000", "alice", "correct horse", &status, NULL),
                AB_STATUS_UNAUTHORIZED, "no caller authentication");
  CHECK(ab_error_http_status() == 401, "HTTP 401");
  ab_nevis_client_free(anonymous);

  ab_nevis_config *config = NULL;
  ab_nevis_client *client = NULL;
  EXPECT_OK(ab_nevis_config_new(url, &config));
  EXPECT_OK(ab_nevis_config_set_bearer(config, "svc-token"));
  EXPECT_OK(ab_nevis_client_new(config, &client));
  EXPECT_OK(ab_nevis_password_login(client, "1000", "alice", "correct horse", &status, NULL));
  ab_nevis_client_free(client);

  ab_test_command(sb, "{\"op\":\"nevis.require_header\",\"name\":\"x-sectoken\",\"value\":\"tok\"}");
  EXPECT_OK(ab_nevis_config_set_header(config, "X-SecToken", "tok"));
  EXPECT_OK(ab_nevis_client_new(config, &client));
  EXPECT_OK(ab_nevis_password_login(client, "1000", "alice", "correct horse", &status, NULL));
  ab_nevis_client_free(client);
  EXPECT_STATUS(ab_nevis_config_set_header(config, "bad header", "tok"), AB_STATUS_INVALID_INPUT,
                "header name is checked");

  EXPECT_OK(ab_nevis_config_set_basic(config, "svc", "gw-pass"));
  EXPECT_STATUS(ab_nevis_config_set_client_certificate(config, (const uint8_t *)"junk", 4), AB_STATUS_OK,
                "a certificate is only parsed when the client is built");
  EXPECT_STATUS(ab_nevis_client_new(config, &client), AB_STATUS_CONFIG, "a bad client certificate");
  ab_nevis_config_free(config);
  ab_nevis_config_free(NULL);
}

static void bad_configs(void) {
  ab_nevis_config *config = NULL;
  EXPECT_STATUS(ab_nevis_config_new("ftp://x", &config), AB_STATUS_INVALID_INPUT, "non-http base URL");
  EXPECT_NAMES_ARG("base url", "base_url");
  CHECK(config == NULL, "nothing written on failure");
  char *url = (char *)"untouched";
  EXPECT_STATUS(ab_sandbox_url(sb, "ldap", &url), AB_STATUS_INVALID_INPUT, "unknown vendor name");
  EXPECT_NAMES_ARG("ab_sandbox_url", "vendor");
  CHECK(strcmp(url, "untouched") == 0, "nothing written on failure");
}

static void cancel_handles(void) {
  ab_cancel *cancel = NULL;
  EXPECT_OK(ab_cancel_new(&cancel));
  CHECK(!ab_cancel_is_cancelled(cancel), "a new cancel handle is not cancelled");
  EXPECT_OK(ab_cancel_cancel(cancel));
  EXPECT_OK(ab_cancel_cancel(cancel));
  CHECK(ab_cancel_is_cancelled(cancel), "cancelled stays cancelled");
  ab_cancel_free(cancel);
  ab_string_free(NULL);
}

int main(void) {
  version_and_names();
  EXPECT_OK(ab_sandbox_start(&sb));
  char *url = NULL;
  EXPECT_OK(ab_sandbox_url(sb, "nevisidm", &url));
  CHECK(url && strncmp(url, "http://127.0.0.1:", 17) == 0, "sandbox URL is local");

  ab_test_command(sb, "{\"op\":\"nevis.add_client\",\"client_ext_id\":\"1000\",\"name\":\"Default\"}");
  ab_test_command(sb, "{\"op\":\"nevis.add_user\"," ALICE "}");
  ab_test_command(sb, "{\"op\":\"nevis.set_password\"," ALICE ",\"password\":\"correct horse\"}");
  ab_test_command(sb, "{\"op\":\"nevis.add_device_password\"," ALICE ",\"credential_ext_id\":\"dev-1\","
                      "\"password\":\"device pw\"}");
  ab_test_command(sb, "{\"op\":\"nevis.add_context_password\"," ALICE ",\"context\":\"vpn\",\"password\":\"context pw\"}");
  ab_test_command(sb, "{\"op\":\"nevis.add_recovery_codes\"," ALICE ",\"codes\":[\"R-1\",\"R-2\"]}");
  ab_test_command(sb, "{\"op\":\"nevis.add_user\"," BOB "}");
  ab_test_command(sb, "{\"op\":\"nevis.set_password\"," BOB ",\"password\":\"bob pw\"}");
  ab_test_command(sb, "{\"op\":\"nevis.set_lock_policy\",\"max_failures\":3}");

  ab_nevis_client *client = client_for(url, NULL);
  logins(client);
  wrong_passwords_lock(client);
  vendor_errors(client);
  faults(client, url);
  bad_configs();
  cancel_handles();
  caller_authentication(url);

  ab_nevis_client_free(client);
  ab_nevis_client_free(NULL);
  ab_string_free(url);
  ab_sandbox_free(sb);
  ab_sandbox_free(NULL);
  if (abtest_failures()) return 1;
  printf("nevis_test: ok\n");
  return 0;
}
