/* A few checks for the C tests of authbridge: each failure is printed with the last error,
 * counted, and makes the program exit non-zero at the end. */
#ifndef ABTEST_H
#define ABTEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authbridge.h"

int abtest_failures(void);
void abtest_fail(const char *file, int line, const char *what);

#define CHECK(cond, what)                                                                     \
  do {                                                                                        \
    if (!(cond)) abtest_fail(__FILE__, __LINE__, what);                                       \
  } while (0)

/* The call returned `expected`; on a mismatch, prints both and the last error. */
#define EXPECT_STATUS(got, expected, what)                                                    \
  do {                                                                                        \
    ab_status got_ = (got);                                                                   \
    if (got_ != (ab_status)(expected)) {                                                      \
      fprintf(stderr, "  got %s, expected %s\n", ab_status_name(got_),                       \
              ab_status_name((uint32_t)(expected)));                                          \
      abtest_fail(__FILE__, __LINE__, what);                                                  \
    }                                                                                         \
  } while (0)

#define EXPECT_OK(call) EXPECT_STATUS((call), AB_STATUS_OK, #call)

/* The last error's message names the argument, as `name`. */
#define EXPECT_NAMES_ARG(fn, arg)                                                             \
  do {                                                                                        \
    char quoted_[128];                                                                        \
    snprintf(quoted_, sizeof quoted_, "`%s`", (arg));                                         \
    if (!strstr(ab_error_message(), quoted_)) {                                               \
      fprintf(stderr, "  message \"%s\" does not name %s\n", ab_error_message(), quoted_);    \
      abtest_fail(__FILE__, __LINE__, fn);                                                    \
    }                                                                                         \
  } while (0)

#define EXPECT_STR(got, expected, what)                                                       \
  do {                                                                                        \
    const char *g_ = (got);                                                                   \
    const char *e_ = (expected);                                                              \
    if (!g_ || !e_ || strcmp(g_, e_) != 0) {                                                  \
      fprintf(stderr, "  got \"%s\", expected \"%s\"\n", g_ ? g_ : "(null)", e_ ? e_ : "(null)"); \
      abtest_fail(__FILE__, __LINE__, what);                                                  \
    }                                                                                         \
  } while (0)

/* A live handle of the named type, made once (handles.c); aborts for a type it cannot make. */
void *ab_test_handle(const char *type);
void ab_test_handles_free(void);

#endif
