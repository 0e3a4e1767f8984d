/* The sandbox's C functions: the generic entry point (a request as data, its answer as JSON
 * text, bad requests refused naming the field), faults and counters, the control endpoint
 * other processes use, and the stand-ins' URLs. */
#include "abtest.h"

static ab_sandbox *sb;

static void requests_and_answers(void) {
  char *answer = NULL;
  EXPECT_OK(ab_sandbox_control(sb, "{\"op\":\"nopass.has_user\",\"user_id\":\"carol\"}", &answer));
  EXPECT_STR(answer, "false", "the answer as JSON text");
  ab_string_free(answer);
  answer = NULL;
  EXPECT_OK(ab_sandbox_control(sb, "{\"op\": \"nopass.add_user\", \"user_id\": \"carol\"}", &answer));
  EXPECT_STR(answer, "null", "an operation that returns nothing answers null");
  ab_string_free(answer);
  ab_test_expect_answer(sb, "true", "{\"op\":\"nopass.has_user\",\"user_id\":\"carol\"}");

  char *key = ab_test_control_text(sb, "{\"op\":\"descope.add_totp_user\",\"login_id\":\"bob\"}");
  CHECK(key && strlen(key) == 32, "a 160-bit TOTP key in base32");
  free(key);

  char *urls = ab_test_control(sb, "{\"op\":\"sandbox.urls\"}");
  char *url = NULL, field[128];
  EXPECT_OK(ab_sandbox_url(sb, "nevisidm", &url));
  snprintf(field, sizeof field, "\"nevisidm\":\"%s\"", url ? url : "(none)");
  CHECK(urls && strstr(urls, field), "sandbox.urls agrees with ab_sandbox_url");
  ab_string_free(url);
  ab_string_free(urls);
}

static void refusals_name_the_field(void) {
  static const struct {
    const char *request, *field;
  } bad[] = {
      {"not json", "request"},
      {"[\"nevis.add_user\"]", "request"},
      {"{\"op\":42}", "op"},
      {"{\"op\":\"add_user\"}", "op"},
      {"{\"op\":\"ldap.add_user\"}", "op"},
      {"{\"op\":\"nevis.add_user\",\"client_ext_id\":\"1000\"}", "user_ext_id"},
      {"{\"op\":\"nevis.add_user\",\"client_ext_id\":\"1000\",\"user_ext_id\":\"a\",\"admin\":true}", "admin"},
      {"{\"op\":\"otpone.set_transaction_ttl\",\"ttl_ms\":\"soon\"}", "ttl_ms"},
      {"{\"op\":\"sandbox.arm\",\"route\":\"nevisidm.password_login\",\"fault\":{\"kind\":\"status\",\"status\":42}}",
       "fault.status"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    char *answer = (char *)"untouched";
    EXPECT_STATUS(ab_sandbox_control(sb, bad[i].request, &answer), AB_STATUS_INVALID_INPUT, bad[i].request);
    EXPECT_NAMES_ARG(bad[i].request, bad[i].field);
    EXPECT_STR(ab_error_code(), "invalid_input", "the library's error code");
    CHECK(strcmp(answer, "untouched") == 0, "a refused request writes no answer");
  }
}

static void faults_and_counts(void) {
  uint64_t before = 0, after = 0;
  EXPECT_OK(ab_sandbox_request_count(sb, "nevisidm.password_login", &before));
  EXPECT_OK(ab_sandbox_arm(sb, "nevisidm.password_login", "{\"kind\":\"status\",\"status\":503}", 1));
  ab_nevis_client *client = ab_test_nevis_client(sb);
  ab_nevis_login_status status;
  CHECK(ab_nevis_password_login(client, "1000", "alice", "pw", &status, NULL) != AB_STATUS_OK, "the armed fault");
  CHECK(ab_error_http_status() == 503, "answered 503");
  EXPECT_OK(ab_sandbox_request_count(sb, "nevisidm.password_login", &after));
  CHECK(after == before + 1, "the faulted request is counted");
  CHECK(ab_test_control_number(sb, "{\"op\":\"sandbox.request_count\",\"route\":\"nevisidm.password_login\"}") ==
            (long long)after,
        "the count through the entry point");
  ab_nevis_client_free(client);

  static const char *bad_faults[] = {"{\"kind\":\"fire\"}", "{\"kind\":\"delay\"}", "503", "{"};
  for (size_t i = 0; i < sizeof bad_faults / sizeof bad_faults[0]; i++) {
    EXPECT_STATUS(ab_sandbox_arm(sb, "nevisidm.password_login", bad_faults[i], 1), AB_STATUS_INVALID_INPUT,
                  bad_faults[i]);
    EXPECT_NAMES_ARG(bad_faults[i], "fault_json");
  }
  EXPECT_STATUS(ab_sandbox_arm(sb, "nevisidm.password_login", "{\"kind\":\"status\",\"status\":1000}", 1),
                AB_STATUS_INVALID_INPUT, "a status that is no HTTP status");
}

static void endpoint_and_urls(void) {
  char *url = NULL, *token = NULL;
  EXPECT_OK(ab_sandbox_control_endpoint(sb, &url, &token));
  CHECK(url && strncmp(url, "http://127.0.0.1:", 17) == 0 && strstr(url, "/control"), "the control URL is local");
  CHECK(token && strlen(token) >= 16, "a bearer token");
  ab_string_free(url);
  ab_string_free(token);

  static const char *vendors[] = {"nevisidm", "authx", "descope", "otpone", "nopass"};
  for (size_t i = 0; i < sizeof vendors / sizeof vendors[0]; i++) {
    url = NULL;
    EXPECT_OK(ab_sandbox_url(sb, vendors[i], &url));
    CHECK(url && strncmp(url, "http://127.0.0.1:", 17) == 0, vendors[i]);
    ab_string_free(url);
  }
  url = (char *)"untouched";
  EXPECT_STATUS(ab_sandbox_url(sb, "NEVISIDM", &url), AB_STATUS_INVALID_INPUT, "vendor names are exact");
  EXPECT_NAMES_ARG("ab_sandbox_url", "vendor");
  CHECK(strcmp(url, "untouched") == 0, "nothing written on failure");
}

int main(void) {
  EXPECT_OK(ab_sandbox_start(&sb));
  requests_and_answers();
  refusals_name_the_field();
  faults_and_counts();
  endpoint_and_urls();
  ab_sandbox_free(sb);
  ab_sandbox_free(NULL);
  if (abtest_failures()) return 1;
  printf("sandbox_test: ok\n");
  return 0;
}
