/* OtpOne through the C ABI, against the sandbox: standard, distributed and server-only
 * requests, the seed's isValid/UserValided rule, waits with deadline and cancellation. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <time.h>

#include "abtest.h"

#define SRV "SRV-6f1c2b1e-0000-4000-8000-c0ffee000001"
#define JS "JS-6f1c2b1e-0000-4000-8000-c0ffee000001"

static ab_sandbox *sb;
static ab_otpone_server *server;
static ab_otpone_client *client;

/* The person approves: the token the web page would receive (free it with free()). */
static char *approve(const char *id) {
  return ab_test_control_text(sb, "{\"op\":\"otpone.approve\",\"transaction_id\":\"%s\"}", id);
}

static char *open_transaction(const char *user, const char *private_token) {
  char *id = NULL;
  EXPECT_OK(ab_otpone_get_transaction_id(server, user, 1 /* RequestComputerSession */, "Log in to WS-42",
                                         private_token, &id));
  CHECK(id && id[0], "a transaction id");
  return id;
}

static void standard_request(void) {
  char *id = open_transaction("alice@example.com", NULL);
  char *html = NULL;
  EXPECT_OK(ab_otpone_get_html(server, id, 0 /* RTRPhoneValidation */, "loginForm", &html));
  CHECK(html && strstr(html, "loginForm"), "GetHTML's fragment submits the form");
  ab_string_free(html);
  EXPECT_STATUS(ab_otpone_get_html(server, id, 9, "loginForm", &html), AB_STATUS_INVALID_INPUT, "page type 9");
  EXPECT_NAMES_ARG("page type", "pageType");

  char *token = approve(id);
  ab_otpone_validation v;
  memset(&v, 0, sizeof v);
  /* the token is for alice: verifying it as bob's is refused */
  EXPECT_STATUS(ab_otpone_verify_token(server, token, "bob@example.com", &v), AB_STATUS_AUTHENTICATION_FAILED,
                "UserValided must be the transaction's user");
  EXPECT_STR(ab_error_vendor_code(), "UserValided", "vendor code names the rule");
  CHECK(v.user_valided == NULL, "nothing written on failure");
  free(token);

  char *id2 = open_transaction("alice@example.com", NULL);
  token = approve(id2);
  EXPECT_OK(ab_otpone_verify_token(server, token, "alice@example.com", &v));
  EXPECT_STR(v.user_valided, "alice@example.com", "UserValided");
  CHECK(v.fields_json && v.fields_json[0] == '{', "other fields as a JSON object");
  ab_otpone_validation_free(&v);
  CHECK(v.user_valided == NULL && v.fields_json == NULL, "free clears the fields");
  ab_otpone_validation_free(&v); /* twice is harmless */
  EXPECT_STATUS(ab_otpone_verify_token(server, token, "alice@example.com", &v), AB_STATUS_AUTHENTICATION_FAILED,
                "a token works once");
  free(token);
  ab_string_free(id);
  ab_string_free(id2);
}

static void distributed_request(void) {
  char *id = open_transaction("carol@example.com", "door-code-7741");
  bool finished = true;
  EXPECT_OK(ab_otpone_is_finish(client, id, &finished));
  CHECK(!finished, "pending until the person acts");
  ab_otpone_validation v;
  memset(&v, 0, sizeof v);
  /* the wait ends at its deadline while nobody answers */
  EXPECT_STATUS(ab_otpone_wait_for_result(client, id, "carol@example.com", 1500, 1000, NULL, &v), AB_STATUS_TIMEOUT,
                "deadline");
  free(approve(id));
  EXPECT_OK(ab_otpone_wait_for_result(client, id, "carol@example.com", 30000, 1000, NULL, &v));
  EXPECT_STR(v.private_token, "door-code-7741", "the private token reaches the client");
  EXPECT_STR(v.user_valided, "carol@example.com", "UserValided");
  ab_otpone_validation_free(&v);
  EXPECT_OK(ab_otpone_get_result(client, id, NULL, &v));
  ab_otpone_validation_free(&v);
  ab_string_free(id);

  /* denied */
  id = open_transaction("carol@example.com", "x");
  ab_test_expect_answer(sb, "true", "{\"op\":\"otpone.deny\",\"transaction_id\":\"%s\"}", id);
  EXPECT_STATUS(ab_otpone_wait_for_result(client, id, "carol@example.com", 30000, 1000, NULL, &v),
                AB_STATUS_AUTHENTICATION_FAILED, "a denial fails the wait");
  ab_test_expect_answer(sb, "false", "{\"op\":\"otpone.deny\",\"transaction_id\":\"%s\"}", id);
  char *json = ab_test_control(sb, "{\"op\":\"otpone.transaction\",\"transaction_id\":\"%s\"}", id);
  CHECK(json && strstr(json, "\"status\":\"denied\"") && strstr(json, "\"has_private_token\":true"),
        "the sandbox shows the transaction denied");
  ab_string_free(json);
  ab_string_free(id);

  /* cancelled from another thread's handle (here: before the wait starts) */
  id = open_transaction("carol@example.com", "x");
  ab_cancel *cancel = NULL;
  EXPECT_OK(ab_cancel_new(&cancel));
  EXPECT_OK(ab_cancel_cancel(cancel));
  EXPECT_STATUS(ab_otpone_wait_for_result(client, id, NULL, 60000, 1000, cancel, &v), AB_STATUS_CANCELLED,
                "a cancelled wait");
  ab_cancel_free(cancel);
  ab_test_expect_answer(sb, "true", "{\"op\":\"otpone.expire\",\"transaction_id\":\"%s\"}", id);
  ab_string_free(id);
}

struct canceller {
  ab_cancel *cancel;
};

static void *cancel_soon(void *arg) {
  struct timespec pause = {0, 300 * 1000 * 1000};
  nanosleep(&pause, NULL);
  ab_cancel_cancel(((struct canceller *)arg)->cancel);
  return NULL;
}

static void cancel_from_another_thread(void) {
  char *id = open_transaction("dave@example.com", "x");
  struct canceller c = {NULL};
  EXPECT_OK(ab_cancel_new(&c.cancel));
  pthread_t thread;
  pthread_create(&thread, NULL, cancel_soon, &c);
  ab_otpone_validation v;
  memset(&v, 0, sizeof v);
  EXPECT_STATUS(ab_otpone_wait_for_result(client, id, "dave@example.com", 120000, 1000, c.cancel, &v),
                AB_STATUS_CANCELLED, "another thread cancels the wait");
  pthread_join(thread, NULL);
  ab_cancel_free(c.cancel);
  ab_string_free(id);
}

static void *approve_when_asked(void *unused) {
  (void)unused;
  char *id = ab_test_control_text(sb, "{\"op\":\"otpone.wait_pending\",\"user_mail\":\"erin@example.com\","
                                      "\"timeout_ms\":30000}");
  if (id) free(approve(id));
  free(id);
  return NULL;
}

static void server_only_request(void) {
  pthread_t person;
  pthread_create(&person, NULL, approve_when_asked, NULL);
  ab_otpone_validation v;
  memset(&v, 0, sizeof v);
  EXPECT_OK(ab_otpone_send_request(server, "erin@example.com", 1, "Log in to WS-42", "10.0.0.7", "Windows",
                                   "Credential Provider", &v));
  pthread_join(person, NULL);
  EXPECT_STR(v.user_valided, "erin@example.com", "SendRequest validation");
  ab_otpone_validation_free(&v);
  char *query = ab_test_control(sb, "{\"op\":\"otpone.last_query\"}");
  CHECK(query && strstr(query, "NavigatorOrAPPName="), "seed parameter names on the wire");
  ab_string_free(query);
}

static void keys_and_config(const char *url) {
  ab_otpone_config *config = NULL;
  ab_otpone_server *s = NULL;
  EXPECT_OK(ab_otpone_config_new(url, &config));
  EXPECT_STATUS(ab_otpone_server_new(config, JS, &s), AB_STATUS_INVALID_INPUT, "a client key is no server key");
  EXPECT_NAMES_ARG("server key", "SrvAPIKey");
  CHECK(s == NULL, "nothing written");
  ab_otpone_client *c = NULL;
  EXPECT_STATUS(ab_otpone_client_new(config, SRV, &c), AB_STATUS_INVALID_INPUT, "a server key is no client key");
  EXPECT_STATUS(ab_otpone_config_set_path(config, "nope", "/x"), AB_STATUS_INVALID_INPUT, "unknown operation");
  EXPECT_STATUS(ab_otpone_config_set_param(config, "nope", "x"), AB_STATUS_INVALID_INPUT, "unknown parameter");
  EXPECT_OK(ab_otpone_config_set_path(config, "get_transaction_id", "/api/getTransactionID"));
  EXPECT_OK(ab_otpone_config_set_param(config, "user_mail", "UserMail"));
  EXPECT_OK(ab_otpone_config_set_send_request_timeout(config, 150000));
  ab_transport_config *transport = NULL;
  EXPECT_OK(ab_transport_config_new(&transport));
  EXPECT_OK(ab_otpone_config_set_transport(config, transport));
  ab_transport_config_free(transport);
  EXPECT_OK(ab_otpone_server_new(config, SRV, &s));
  char *id = NULL;
  EXPECT_STATUS(ab_otpone_get_transaction_id(s, "not-a-mail", 1, "m", NULL, &id), AB_STATUS_INVALID_INPUT,
                "UserMail checked before sending");
  EXPECT_STATUS(ab_otpone_get_transaction_id(s, "a@b.c", 7, "m", NULL, &id), AB_STATUS_INVALID_INPUT,
                "request type 7");
  EXPECT_NAMES_ARG("request type", "requestype");
  ab_otpone_server_free(s);
  ab_otpone_config_free(config);
}

int main(void) {
  EXPECT_OK(ab_sandbox_start(&sb));
  char *url = NULL;
  EXPECT_OK(ab_sandbox_url(sb, "otpone", &url));
  ab_test_command(sb, "{\"op\":\"otpone.register_keys\",\"server_key\":\"" SRV "\",\"client_key\":\"" JS "\"}");
  ab_test_command(sb, "{\"op\":\"otpone.set_html_as_text\",\"as_text\":false}");
  ab_test_command(sb, "{\"op\":\"otpone.set_transaction_ttl\",\"ttl_ms\":300000}");
  ab_test_command(sb, "{\"op\":\"otpone.set_server_only_timeout\",\"timeout_ms\":60000}");
  ab_otpone_config *config = NULL;
  EXPECT_OK(ab_otpone_config_new(url, &config));
  EXPECT_OK(ab_otpone_server_new(config, SRV, &server));
  EXPECT_OK(ab_otpone_client_new(config, JS, &client));
  ab_otpone_config_free(config);

  standard_request();
  distributed_request();
  cancel_from_another_thread();
  server_only_request();
  keys_and_config(url);
  ab_test_expect_answer(sb, "null", "{\"op\":\"otpone.pending_for\",\"user_mail\":\"nobody@example.com\"}");

  ab_otpone_client_free(client);
  ab_otpone_server_free(server);
  ab_string_free(url);
  ab_sandbox_free(sb);
  if (abtest_failures()) return 1;
  printf("otpone_test: ok\n");
  return 0;
}
