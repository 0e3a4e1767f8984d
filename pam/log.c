/* Logging for the module; see log.h. */
#include "log.h"

#include <stdarg.h>
#include <string.h>

#include <security/pam_ext.h>

#include "authbridge.h"

void log_at(const struct logger *log, int priority, const char *format, ...) {
  if (priority > log->level) return;
  va_list args;
  va_start(args, format);
  pam_vsyslog(log->pamh, priority, format, args);
  va_end(args);
}

void log_library_error(const struct logger *log, int priority, const char *what) {
  const char *vendor_code = ab_error_vendor_code();
  unsigned http_status = ab_error_http_status();
  if (vendor_code && http_status) {
    log_at(log, priority, "%s: %s: %s (vendor code %s, HTTP %u)", what, ab_error_code(), ab_error_message(),
           vendor_code, http_status);
  } else {
    log_at(log, priority, "%s: %s: %s", what, ab_error_code(), ab_error_message());
  }
}

int log_level_parse(const char *name, int *out_level) {
  static const struct {
    const char *name;
    int level;
  } levels[] = {{"err", LOG_ERR}, {"warning", LOG_WARNING}, {"notice", LOG_NOTICE}, {"info", LOG_INFO},
                {"debug", LOG_DEBUG}};
  for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++) {
    if (strcmp(name, levels[i].name) == 0) {
      *out_level = levels[i].level;
      return 0;
    }
  }
  return -1;
}
