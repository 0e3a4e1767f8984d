/* Logging for the module: syslog only (through pam_syslog), and only messages at or above the
 * level the service line configured (log_level=). Nothing here ever receives a secret. */
#ifndef PAM_AUTHBRIDGE_LOG_H
#define PAM_AUTHBRIDGE_LOG_H

#include <security/pam_modules.h>
#include <syslog.h>

struct logger {
  pam_handle_t *pamh;
  /* The least severe priority still logged (LOG_ERR … LOG_DEBUG). */
  int level;
};

#define DEFAULT_LOG_LEVEL LOG_INFO

/* Logs `format` at `priority` when the configured level lets it through. */
void log_at(const struct logger *log, int priority, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

/* Logs the calling thread's last authbridge error (its status name and message, which never
 * holds a secret) after `what`. */
void log_library_error(const struct logger *log, int priority, const char *what);

/* Parses a level name (err, warning, notice, info, debug) into *out_level; -1 if unknown. */
int log_level_parse(const char *name, int *out_level);

#endif
