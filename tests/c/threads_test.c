/* Eight threads share one sandbox and one client: every call succeeds or fails on its own, and
 * each thread's last error stays its own while the others fail differently. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>

#include "abtest.h"

#define THREADS 8
#define ROUNDS 10

static ab_sandbox *sb;
static ab_nevis_client *client;
static pthread_barrier_t all_failed;
static pthread_mutex_t report = PTHREAD_MUTEX_INITIALIZER;

static void *worker(void *arg) {
  int id = (int)(intptr_t)arg;
  char user[16], password[16];
  snprintf(user, sizeof user, "user-%d", id);
  snprintf(password, sizeof password, "pw-%d", id);
  int bad = 0;
  for (int round = 0; round < ROUNDS; round++) {
    ab_nevis_login_status status = AB_NEVIS_LOGIN_STATUS_NONE;
    char *description = NULL;
    if (ab_nevis_password_login(client, "1000", user, password, &status, &description) != AB_STATUS_OK ||
        status != AB_NEVIS_LOGIN_STATUS_OK || !description)
      bad++;
    ab_string_free(description);
    ab_cancel *cancel = NULL; /* handles made and freed concurrently */
    if (ab_cancel_new(&cancel) != AB_STATUS_OK) bad++;
    ab_cancel_free(cancel);
  }
  /* Even threads fail with a wrong password, odd ones with an unknown user ... */
  ab_nevis_login_status status;
  ab_status expected = id % 2 ? AB_STATUS_NOT_FOUND : AB_STATUS_AUTHENTICATION_FAILED;
  ab_status got = id % 2 ? ab_nevis_password_login(client, "1000", "ghost", "x", &status, NULL)
                         : ab_nevis_password_login(client, "1000", user, "wrong", &status, NULL);
  if (got != expected) bad++;
  /* ... and once every thread has failed, each still sees its own error. */
  pthread_barrier_wait(&all_failed);
  if (ab_error_status() != expected) bad++;
  if (id % 2) {
    if (strcmp(ab_error_code(), "not_found") || strcmp(ab_error_vendor_code(), "errors.noRecord")) bad++;
  } else {
    if (strcmp(ab_error_code(), "authentication_failed") || strcmp(ab_error_vendor_code(), "2") ||
        ab_error_nevis_login_status() != AB_NEVIS_LOGIN_STATUS_FAILED)
      bad++;
  }
  if (bad) {
    pthread_mutex_lock(&report);
    fprintf(stderr, "thread %d: %d unexpected results (last error [%s] %s)\n", id, bad, ab_error_code(),
            ab_error_message());
    pthread_mutex_unlock(&report);
  }
  return (void *)(intptr_t)bad;
}

int main(void) {
  EXPECT_OK(ab_sandbox_start(&sb));
  ab_test_command(sb, "{\"op\":\"nevis.add_client\",\"client_ext_id\":\"1000\",\"name\":\"Default\"}");
  for (int i = 0; i < THREADS; i++) {
    ab_test_command(sb, "{\"op\":\"nevis.add_user\",\"client_ext_id\":\"1000\",\"user_ext_id\":\"user-%d\"}", i);
    ab_test_command(sb, "{\"op\":\"nevis.set_password\",\"client_ext_id\":\"1000\",\"user_ext_id\":\"user-%d\","
                        "\"password\":\"pw-%d\"}", i, i);
  }
  client = ab_test_nevis_client(sb);

  pthread_barrier_init(&all_failed, NULL, THREADS);
  pthread_t threads[THREADS];
  for (int i = 0; i < THREADS; i++) pthread_create(&threads[i], NULL, worker, (void *)(intptr_t)i);
  int bad = 0;
  for (int i = 0; i < THREADS; i++) {
    void *result = NULL;
    pthread_join(threads[i], &result);
    bad += (int)(intptr_t)result;
  }
  pthread_barrier_destroy(&all_failed);
  CHECK(bad == 0, "every thread saw only its own results and errors");
  uint64_t logins = 0;
  EXPECT_OK(ab_sandbox_request_count(sb, "nevisidm.password_login", &logins));
  CHECK(logins == THREADS * (ROUNDS + 1), "every login reached the sandbox once");

  ab_nevis_client_free(client);
  ab_sandbox_free(sb);
  if (abtest_failures()) return 1;
  printf("threads_test: %d threads x %d logins ok\n", THREADS, ROUNDS + 1);
  return 0;
}
