#include "abtest.h"

static int failures;

int abtest_failures(void) { return failures; }

void abtest_fail(const char *file, int line, const char *what) {
  failures++;
  fprintf(stderr, "FAIL %s:%d: %s\n  last error: [%s] %s\n", file, line, what, ab_error_code(),
          ab_error_message());
}
