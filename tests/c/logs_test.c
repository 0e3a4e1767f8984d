/* Logs and metrics through the C ABI: a log callback receives one record per nevisIDM call
 * with its fields and never the password; the metrics count the calls, as JSON and as
 * Prometheus text. */
#define _POSIX_C_SOURCE 200809L /* strdup */
#include <pthread.h>

#include "abtest.h"

#define SECRET "C-0bservable-Pa55word"
#define MAX_RECORDS 256

/* What the callback received; it runs on the library's threads, hence the lock. */
struct records {
  pthread_mutex_t lock;
  int count;
  uint32_t levels[MAX_RECORDS];
  char *targets[MAX_RECORDS];
  char *messages[MAX_RECORDS];
};

static void keep(uint32_t level, const char *target, const char *message, void *user_data) {
  struct records *records = user_data;
  pthread_mutex_lock(&records->lock);
  if (records->count < MAX_RECORDS) {
    records->levels[records->count] = level;
    records->targets[records->count] = strdup(target);
    records->messages[records->count] = strdup(message);
    records->count++;
  }
  pthread_mutex_unlock(&records->lock);
}

/* The value of `authbridge_calls_total{...labels}` in the text; -1 when absent. */
static long long sample(const char *text, const char *series) {
  const char *at = strstr(text, series);
  return at ? strtoll(at + strlen(series), NULL, 10) : -1;
}

int main(void) {
  static struct records records = {.lock = PTHREAD_MUTEX_INITIALIZER};
  ab_sandbox *sb = NULL;
  EXPECT_OK(ab_sandbox_start(&sb));
  ab_test_command(sb, "{\"op\":\"nevis.add_client\",\"client_ext_id\":\"1000\",\"name\":\"Default\"}");
  ab_test_command(sb, "{\"op\":\"nevis.add_user\",\"client_ext_id\":\"1000\",\"user_ext_id\":\"carol\"}");
  ab_test_command(sb, "{\"op\":\"nevis.set_password\",\"client_ext_id\":\"1000\",\"user_ext_id\":\"carol\","
                      "\"password\":\"" SECRET "\"}");
  ab_nevis_client *client = ab_test_nevis_client(sb);

  EXPECT_STATUS(ab_set_log_callback(99, keep, &records), AB_STATUS_INVALID_INPUT, "an unknown level is refused");
  EXPECT_OK(ab_set_log_callback(AB_LOG_LEVEL_DEBUG, keep, &records));
  ab_nevis_login_status status = AB_NEVIS_LOGIN_STATUS_NONE;
  EXPECT_OK(ab_nevis_password_login(client, "1000", "carol", SECRET, &status, NULL));
  EXPECT_STATUS(ab_nevis_password_login(client, "1000", "carol", SECRET "-wrong", &status, NULL),
                AB_STATUS_AUTHENTICATION_FAILED, "a wrong password fails");
  /* Off: once this returns the callback is never called again, so the records are final. */
  EXPECT_OK(ab_set_log_callback(AB_LOG_LEVEL_OFF, NULL, NULL));
  EXPECT_OK(ab_nevis_password_login(client, "1000", "carol", SECRET, &status, NULL));

  int calls = 0;
  for (int i = 0; i < records.count; i++) {
    CHECK(!strstr(records.messages[i], SECRET), "no record holds the password");
    CHECK(records.levels[i] >= AB_LOG_LEVEL_ERROR && records.levels[i] <= AB_LOG_LEVEL_DEBUG, "a level in range");
    if (strcmp(records.targets[i], "authbridge::call") == 0) {
      calls++;
      CHECK(records.levels[i] == AB_LOG_LEVEL_DEBUG, "a call record is DEBUG");
      CHECK(strstr(records.messages[i], "nevisidm password_login: POST 127.0.0.1 -> 200") != NULL, "call message");
      CHECK(strstr(records.messages[i], " vendor=nevisidm") != NULL, "vendor field");
      CHECK(strstr(records.messages[i], " operation=password_login") != NULL, "operation field");
      CHECK(strstr(records.messages[i], " attempts=1") != NULL, "attempts field");
      CHECK(strstr(records.messages[i], " duration_ms=") != NULL, "duration field");
    }
    free(records.targets[i]);
    free(records.messages[i]);
  }
  if (calls != 2) fprintf(stderr, "  %d call records\n", calls);
  CHECK(calls == 2, "one record per call while the callback was set");

  /* Three logins so far in this process: nevisIDM answers a wrong password with 200 too. */
  char *json = NULL;
  EXPECT_OK(ab_metrics_json(&json));
  CHECK(json && strstr(json, "{\"vendor\":\"nevisidm\",\"operation\":\"password_login\",\"outcome\":\"ok\",\"count\":3}"),
        "the JSON snapshot counts the calls");
  ab_string_free(json);
  char *text = NULL;
  EXPECT_OK(ab_metrics_prometheus(&text));
  CHECK(text && strstr(text, "# TYPE authbridge_calls_total counter\n"), "the text has its TYPE line");
  long long ok = text ? sample(text, "authbridge_calls_total{vendor=\"nevisidm\",operation=\"password_login\",outcome=\"ok\"} ") : -1;
  if (ok != 3) fprintf(stderr, "  authbridge_calls_total ok = %lld\n", ok);
  CHECK(ok == 3, "the text counts the calls");
  CHECK(text && sample(text, "authbridge_call_duration_seconds_count{vendor=\"nevisidm\",operation=\"password_login\"} ") == 3,
        "the duration histogram counts the calls");
  ab_string_free(text);

  /* The metrics page of the embedded receiver is set and unset like any option. */
  ab_receiver_options *options = NULL;
  EXPECT_OK(ab_receiver_options_new(&options));
  EXPECT_OK(ab_receiver_options_set_metrics_path(options, "/metrics"));
  EXPECT_OK(ab_receiver_options_set_metrics_path(options, NULL));
  ab_receiver_options_free(options);

  ab_nevis_client_free(client);
  ab_sandbox_free(sb);
  if (abtest_failures()) return 1;
  printf("logs_test: ok\n");
  return 0;
}
