/* A few checks for the C tests of authbridge: each failure is printed with the last error,
 * counted, and makes the program exit non-zero at the end. And short sandbox control calls. */
#ifndef ABTEST_H
#define ABTEST_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authbridge_sandbox.h"

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

/* Sandbox control requests written printf-style, so tests read like the operations they run:
 *   ab_test_command(sb, "{\"op\":\"nevis.add_user\",\"client_ext_id\":\"1000\",\"user_ext_id\":\"%s\"}", user);
 * A refused request counts as a failure of the calling line. */
/* The answer as JSON text (free it with ab_string_free); NULL when refused. */
#define ab_test_control(sandbox, ...) abtest_control(__FILE__, __LINE__, (sandbox), __VA_ARGS__)
/* For a request whose answer is not needed. */
#define ab_test_command(sandbox, ...) ab_string_free(ab_test_control((sandbox), __VA_ARGS__))
/* An answer that is a JSON string, as plain text (free it with free()); NULL when the request
 * is refused or the answer is not a string. */
#define ab_test_control_text(sandbox, ...) abtest_control_text(__FILE__, __LINE__, (sandbox), __VA_ARGS__)
/* An answer that is a number; -1 when the request is refused or the answer is not a number. */
#define ab_test_control_number(sandbox, ...) abtest_control_number(__FILE__, __LINE__, (sandbox), __VA_ARGS__)
/* How many strings an answer that is a list of plain strings holds; -1 when refused. */
#define ab_test_control_count(sandbox, ...) abtest_control_count(__FILE__, __LINE__, (sandbox), __VA_ARGS__)
/* The answer is exactly `expected` (JSON text: "true", "null", "\"locked\"", ...). */
#define ab_test_expect_answer(sandbox, expected, ...) \
  abtest_expect_answer(__FILE__, __LINE__, (sandbox), (expected), __VA_ARGS__)

char *abtest_control(const char *file, int line, const ab_sandbox *sandbox, const char *format, ...)
    __attribute__((format(printf, 4, 5)));
char *abtest_control_text(const char *file, int line, const ab_sandbox *sandbox, const char *format, ...)
    __attribute__((format(printf, 4, 5)));
long long abtest_control_number(const char *file, int line, const ab_sandbox *sandbox, const char *format, ...)
    __attribute__((format(printf, 4, 5)));
long long abtest_control_count(const char *file, int line, const ab_sandbox *sandbox, const char *format, ...)
    __attribute__((format(printf, 4, 5)));
/* One of the credentials the stand-ins accept from the start ("descope.PROJECT_ID", ...; the
 * `sandbox.presets` operation), as plain text (free it with free()); NULL when there is none. */
#define ab_test_preset(sandbox, name) abtest_preset(__FILE__, __LINE__, (sandbox), (name))
char *abtest_preset(const char *file, int line, const ab_sandbox *sandbox, const char *name);
/* A nevisIDM client for the sandbox's stand-in (free it with ab_nevis_client_free); NULL after
 * counting the failure. */
#define ab_test_nevis_client(sandbox) abtest_nevis_client(__FILE__, __LINE__, (sandbox))
ab_nevis_client *abtest_nevis_client(const char *file, int line, const ab_sandbox *sandbox);
/* The HTTP status in a NoPass callback reply the sandbox answered ({"status": 200, ...});
 * frees the reply. -1 for NULL. */
int ab_test_reply_status(char *reply);
void abtest_expect_answer(const char *file, int line, const ab_sandbox *sandbox, const char *expected,
                          const char *format, ...) __attribute__((format(printf, 5, 6)));

/* A live handle of the named type, made once (handles.c); aborts for a type it cannot make. */
void *ab_test_handle(const char *type);
void ab_test_handles_free(void);

#endif
