/* A panic forced inside the library (test builds only) comes back as AB_STATUS_PANIC with
 * nothing written, on the calling thread only, and the library keeps working. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>

#include "abtest.h"

static ab_sandbox *sb;

static void *panic_on_this_thread(void *unused) {
  (void)unused;
  ab_test_panic_next_call();
  ab_transport_config *config = (ab_transport_config *)&sb; /* a sentinel, must stay */
  ab_status s = ab_transport_config_new(&config);
  return (void *)(intptr_t)(s == AB_STATUS_PANIC && config == (ab_transport_config *)&sb &&
                            strcmp(ab_error_code(), "panic") == 0);
}

int main(void) {
  EXPECT_OK(ab_sandbox_start(&sb));
  char *url = (char *)"untouched";

  ab_test_panic_next_call();
  EXPECT_STATUS(ab_sandbox_url(sb, "nevisidm", &url), AB_STATUS_PANIC, "the panic is caught");
  CHECK(strcmp(url, "untouched") == 0, "a panicking call writes nothing");
  EXPECT_STR(ab_error_code(), "panic", "error code");
  CHECK(strstr(ab_error_message(), "panicked") != NULL, "the message says it panicked");
  CHECK(ab_error_status() == AB_STATUS_PANIC, "last error status");

  /* the hook fires once, and the library works afterwards */
  EXPECT_OK(ab_sandbox_url(sb, "nevisidm", &url));
  CHECK(strncmp(url, "http://", 7) == 0, "works after a panic");
  ab_string_free(url);

  /* the same from another thread; this thread's last error is untouched by it */
  ab_error_clear();
  pthread_t thread;
  void *ok = NULL;
  pthread_create(&thread, NULL, panic_on_this_thread, NULL);
  pthread_join(thread, &ok);
  CHECK(ok != NULL, "a panic on another thread comes back there as AB_STATUS_PANIC");
  CHECK(ab_error_status() == AB_STATUS_OK, "and leaves this thread's last error alone");

  ab_sandbox_free(sb);
  if (abtest_failures()) return 1;
  printf("panic_test: ok\n");
  return 0;
}
