/* A large ProcessBiometric upload through the C ABI: its progress reaches the total in
 * monotone, throttled steps, and an ab_cancel handle stops it mid-way within a second, the
 * sandbox seeing the upload abandoned. AB_TEST_UPLOAD_MIB sets a smaller size for valgrind;
 * the cancellation is then left out, as the connection's buffers take a small upload whole
 * before a cancellation can land mid-way. */
#define _POSIX_C_SOURCE 199309L
#include <stdint.h>
#include <time.h>

#include "abtest.h"

/* The stand-in accepts the seed's sample applications from the start. */
#define APPLICATION_ID "3128e336-64f9-e294-17b5-ed1f34d76f79"
#define APPLICATION_KEY "2f924cad-98c5-3631-b3a4-e107dee7e014"
#define BIOMETRIC_KEY "BDD0D146-09DF-452B-AAD0-2B5F4E91F748"
#define BIOMETRIC_SECRET "B1B1620C-091A-48A6-AA99-C80AA7B07137"
#define HOST "hu1tjtwu"

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* What the progress callback saw; it cancels `cancel` once a quarter has gone out. */
struct progress {
  unsigned calls;
  uint64_t sent, total;
  bool monotone, steady_total;
  ab_cancel *cancel;
  double cancelled_at;
};

static void on_progress(void *user_data, uint64_t sent, uint64_t total) {
  struct progress *p = user_data;
  if (p->calls > 0 && (sent < p->sent)) p->monotone = false;
  if (p->calls > 0 && total != p->total) p->steady_total = false;
  p->calls++;
  p->sent = sent;
  p->total = total;
  if (p->cancel && sent >= total / 4 && !ab_cancel_is_cancelled(p->cancel)) {
    p->cancelled_at = now();
    ab_cancel_cancel(p->cancel);
  }
}

/* The upload again, read by the stand-in at a quarter of it a second, cancelled a quarter in. */
static void cancel_mid_way(ab_sandbox *sb, ab_authx_client *client, const char *guid, const uint8_t *sample,
                           size_t size) {
  ab_test_command(sb, "{\"op\":\"authx.set_upload_rate\",\"bytes_per_second\":%zu}", size / 4);
  ab_cancel *cancel = NULL;
  EXPECT_OK(ab_cancel_new(&cancel));
  struct progress cancelled = {.monotone = true, .steady_total = true, .cancel = cancel};
  ab_authx_upload_options options = {.progress = on_progress, .user_data = &cancelled, .cancel = cancel};
  ab_authx_biometric_result r;
  EXPECT_STATUS(ab_authx_process_biometric_with(client, guid, AB_AUTHX_BIOMETRIC_KIND_FACE,
                                                AB_AUTHX_BIOMETRIC_PROCESS_VERIFY, NULL, NULL, 0, sample, size,
                                                &options, &r),
                AB_STATUS_CANCELLED, "a cancelled upload fails with AB_STATUS_CANCELLED");
  double returned = now();
  CHECK(cancelled.cancelled_at > 0 && cancelled.sent < cancelled.total, "cancelled before the body was sent");
  CHECK(returned - cancelled.cancelled_at < 1.0, "the call returns within a second of its cancellation");
  long long aborted = -1;
  while ((aborted = ab_test_control_number(sb, "{\"op\":\"authx.aborted_uploads\"}")) < 1 &&
         now() - cancelled.cancelled_at < 1.0) {
    nanosleep(&(struct timespec){.tv_nsec = 10 * 1000 * 1000}, NULL);
  }
  CHECK(aborted == 1, "the stand-in saw one abandoned upload");
  ab_cancel_free(cancel);
}

int main(void) {
  const char *mib_env = getenv("AB_TEST_UPLOAD_MIB");
  size_t size = (size_t)(mib_env ? atoi(mib_env) : 64) << 20;
  uint8_t *sample = malloc(size);
  CHECK(sample != NULL, "the sample fits in memory");
  memset(sample, 0x5a, size);

  ab_sandbox *sb = NULL;
  EXPECT_OK(ab_sandbox_start(&sb));
  char *url = NULL;
  EXPECT_OK(ab_sandbox_url(sb, "authx", &url));
  ab_authx_config *config = NULL;
  EXPECT_OK(ab_authx_config_new(url, APPLICATION_ID, APPLICATION_KEY, &config));
  EXPECT_OK(ab_authx_config_set_biometric_app(config, BIOMETRIC_KEY, BIOMETRIC_SECRET, HOST));
  ab_authx_client *client = NULL;
  EXPECT_OK(ab_authx_client_new(config, &client));
  ab_authx_config_free(config);
  char *guid = NULL;
  EXPECT_OK(ab_authx_add_user(client, "carol", "carol@example.com", "Carol", "Jones", NULL, "791234567", NULL, 0,
                              &guid));

  /* The whole upload, watched, read by the stand-in in about a second so the throttle shows. */
  ab_test_command(sb, "{\"op\":\"authx.set_upload_rate\",\"bytes_per_second\":%zu}", size);
  struct progress seen = {.monotone = true, .steady_total = true};
  ab_authx_upload_options options = {.progress = on_progress, .user_data = &seen, .cancel = NULL};
  ab_authx_biometric_result r;
  double started = now();
  EXPECT_OK(ab_authx_process_biometric_with(client, guid, AB_AUTHX_BIOMETRIC_KIND_FACE,
                                            AB_AUTHX_BIOMETRIC_PROCESS_ENROL, NULL, NULL, 0, sample, size, &options, &r));
  double elapsed = now() - started;
  CHECK(r.outcome == AB_AUTHX_BIOMETRIC_OUTCOME_SUCCESS, "the sample was enrolled");
  ab_authx_biometric_result_free(&r);
  CHECK(seen.monotone && seen.steady_total, "progress only goes forward, against one total");
  CHECK(seen.total > size && seen.sent == seen.total, "the last call reports the whole multipart body");
  /* A small upload may fit the connection's buffers at once: then only its start and end show. */
  unsigned min_calls = mib_env ? 2 : 3;
  CHECK(seen.calls >= min_calls && seen.calls <= (unsigned)(elapsed * 10.0) + 2, "about ten calls a second at most");
  printf("authx_upload_test: %zu MiB in %.2f s, %u progress calls\n", size >> 20, elapsed, seen.calls);

  /* The connection's buffers would take a small upload whole before a cancellation lands. */
  if (!mib_env) cancel_mid_way(sb, client, guid, sample, size);

  ab_string_free(guid);
  ab_authx_client_free(client);
  ab_string_free(url);
  ab_sandbox_free(sb);
  free(sample);
  if (abtest_failures()) return 1;
  printf("authx_upload_test: ok\n");
  return 0;
}
