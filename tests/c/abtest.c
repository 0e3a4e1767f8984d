#include "abtest.h"

static int failures;

int abtest_failures(void) { return failures; }

void abtest_fail(const char *file, int line, const char *what) {
  failures++;
  fprintf(stderr, "FAIL %s:%d: %s\n  last error: [%s] %s\n", file, line, what, ab_error_code(),
          ab_error_message());
}

/* Formats the request and runs it; the answer, or NULL after counting the failure. */
static char *vcontrol(const char *file, int line, const ab_sandbox *sandbox, const char *format, va_list args) {
  char request[4096];
  int length = vsnprintf(request, sizeof request, format, args);
  if (length < 0 || (size_t)length >= sizeof request) {
    abtest_fail(file, line, "a control request longer than the test helper's buffer");
    return NULL;
  }
  char *answer = NULL;
  if (ab_sandbox_control(sandbox, request, &answer) != AB_STATUS_OK) {
    fprintf(stderr, "  request: %s\n", request);
    abtest_fail(file, line, "a sandbox control request was refused");
    return NULL;
  }
  return answer;
}

char *abtest_control(const char *file, int line, const ab_sandbox *sandbox, const char *format, ...) {
  va_list args;
  va_start(args, format);
  char *answer = vcontrol(file, line, sandbox, format, args);
  va_end(args);
  return answer;
}

char *abtest_control_text(const char *file, int line, const ab_sandbox *sandbox, const char *format, ...) {
  va_list args;
  va_start(args, format);
  char *answer = vcontrol(file, line, sandbox, format, args);
  va_end(args);
  if (!answer) return NULL;
  /* The stand-ins' ids, keys and URLs need no escapes; one that does is not expected here. */
  size_t length = strlen(answer);
  char *text = NULL;
  if (length >= 2 && answer[0] == '"' && answer[length - 1] == '"' && !memchr(answer + 1, '\\', length - 2)) {
    text = malloc(length - 1);
    memcpy(text, answer + 1, length - 2);
    text[length - 2] = '\0';
  } else {
    fprintf(stderr, "  answer: %s\n", answer);
    abtest_fail(file, line, "the answer is not a plain JSON string");
  }
  ab_string_free(answer);
  return text;
}

/* An answer as a number; sets *expected (what it should have been) when it is not one. */
static long long read_number(const char *answer, const char **expected) {
  char *end = NULL;
  long long number = strtoll(answer, &end, 10);
  if (end == answer || *end != '\0') *expected = "the answer is not a number";
  return number;
}

/* How many plain strings a JSON list answer holds; sets *expected when it is not such a list. */
static long long read_count(const char *answer, const char **expected) {
  long long quotes = 0;
  for (const char *c = answer; *c; c++) quotes += *c == '"';
  if (answer[0] != '[' || quotes % 2 != 0 || strchr(answer, '\\')) {
    *expected = "the answer is not a list of plain strings";
  }
  return quotes / 2;
}

/* Runs the request and reads its answer with `read`; -1 after counting a failure of either. */
static long long vcontrol_read(const char *file, int line, const ab_sandbox *sandbox,
                               long long (*read)(const char *, const char **), const char *format, va_list args) {
  char *answer = vcontrol(file, line, sandbox, format, args);
  if (!answer) return -1;
  const char *expected = NULL;
  long long value = read(answer, &expected);
  if (expected) {
    fprintf(stderr, "  answer: %s\n", answer);
    abtest_fail(file, line, expected);
    value = -1;
  }
  ab_string_free(answer);
  return value;
}

long long abtest_control_number(const char *file, int line, const ab_sandbox *sandbox, const char *format, ...) {
  va_list args;
  va_start(args, format);
  long long number = vcontrol_read(file, line, sandbox, read_number, format, args);
  va_end(args);
  return number;
}

long long abtest_control_count(const char *file, int line, const ab_sandbox *sandbox, const char *format, ...) {
  va_list args;
  va_start(args, format);
  long long count = vcontrol_read(file, line, sandbox, read_count, format, args);
  va_end(args);
  return count;
}

void abtest_expect_answer(const char *file, int line, const ab_sandbox *sandbox, const char *expected,
                          const char *format, ...) {
  va_list args;
  va_start(args, format);
  char *answer = vcontrol(file, line, sandbox, format, args);
  va_end(args);
  if (answer && strcmp(answer, expected) != 0) {
    fprintf(stderr, "  answer %s, expected %s\n", answer, expected);
    abtest_fail(file, line, "a sandbox control answer");
  }
  ab_string_free(answer);
}

int ab_test_reply_status(char *reply) {
  /* The answer's keys come sorted, so the reply's own "status" follows any in its body. */
  const char *field = NULL;
  for (const char *at = reply; at && (at = strstr(at, "\"status\":")); at++) field = at;
  int status = field ? atoi(field + strlen("\"status\":")) : -1;
  ab_string_free(reply);
  return status;
}

char *abtest_preset(const char *file, int line, const ab_sandbox *sandbox, const char *name) {
  char *presets = abtest_control(file, line, sandbox, "{\"op\":\"sandbox.presets\"}");
  char key[128];
  snprintf(key, sizeof key, "\"%s\":\"", name);
  const char *value = presets ? strstr(presets, key) : NULL;
  char *text = NULL;
  if (value) {
    value += strlen(key);
    size_t length = strcspn(value, "\"");
    text = malloc(length + 1);
    memcpy(text, value, length);
    text[length] = '\0';
  } else {
    fprintf(stderr, "  presets: %s\n", presets ? presets : "(none)");
    abtest_fail(file, line, name);
  }
  ab_string_free(presets);
  return text;
}

ab_nevis_client *abtest_nevis_client(const char *file, int line, const ab_sandbox *sandbox) {
  char *url = NULL;
  ab_nevis_config *config = NULL;
  ab_nevis_client *client = NULL;
  if (ab_sandbox_url(sandbox, "nevisidm", &url) != AB_STATUS_OK || ab_nevis_config_new(url, &config) != AB_STATUS_OK ||
      ab_nevis_client_new(config, &client) != AB_STATUS_OK) {
    fprintf(stderr, "  [%s] %s\n", ab_error_code(), ab_error_message());
    abtest_fail(file, line, "a nevisIDM client for the sandbox");
  }
  ab_nevis_config_free(config); /* the client keeps its own copy */
  ab_string_free(url);
  return client;
}
