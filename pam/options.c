/* The module arguments; see options.h. */
#include "options.h"

#include <string.h>

#include <security/pam_modules.h>

static const char *const METHOD_NAMES[] = {
    [METHOD_NEVIS] = "nevis",
    [METHOD_DESCOPE_TOTP] = "descope-totp",
    [METHOD_OTPONE] = "otpone",
};

const char *method_name(enum method method) {
  if (method <= METHOD_NONE || method > METHOD_OTPONE) return "none";
  return METHOD_NAMES[method];
}

static enum method method_parse(const char *name) {
  for (enum method m = METHOD_NEVIS; m <= METHOD_OTPONE; m++) {
    if (strcmp(name, METHOD_NAMES[m]) == 0) return m;
  }
  return METHOD_NONE;
}

/* The value of `argument` if it is `name=value`, else NULL. */
static const char *value_of(const char *argument, const char *name) {
  size_t n = strlen(name);
  if (strncmp(argument, name, n) == 0 && argument[n] == '=') return argument + n + 1;
  return NULL;
}

/* The level is read first, so that every later complaint is logged (or not) as asked. */
static int read_log_level(struct logger *log, int argc, const char **argv) {
  const char *seen = NULL;
  for (int i = 0; i < argc; i++) {
    const char *value = value_of(argv[i], "log_level");
    if (!value) continue;
    if (seen) {
      log_at(log, LOG_ERR, "module argument log_level given twice");
      return PAM_SERVICE_ERR;
    }
    seen = value;
    if (log_level_parse(value, &log->level) != 0) {
      log->level = DEFAULT_LOG_LEVEL;
      log_at(log, LOG_ERR, "module argument log_level=%s: use err, warning, notice, info or debug", value);
      return PAM_SERVICE_ERR;
    }
  }
  return PAM_SUCCESS;
}

int options_parse(struct logger *log, int argc, const char **argv, struct options *out) {
  log->level = DEFAULT_LOG_LEVEL;
  int rc = read_log_level(log, argc, argv);
  if (rc != PAM_SUCCESS) return rc;
  out->method = METHOD_NONE;
  out->config_path = NULL;
  for (int i = 0; i < argc; i++) {
    const char *arg = argv[i];
    const char *value;
    if (value_of(arg, "log_level")) continue;
    if ((value = value_of(arg, "method"))) {
      if (out->method != METHOD_NONE) {
        log_at(log, LOG_ERR, "module argument method given twice");
        return PAM_SERVICE_ERR;
      }
      out->method = method_parse(value);
      if (out->method == METHOD_NONE) {
        log_at(log, LOG_ERR, "module argument method=%s: use nevis, descope-totp or otpone", value);
        return PAM_SERVICE_ERR;
      }
    } else if ((value = value_of(arg, "config"))) {
      if (out->config_path) {
        log_at(log, LOG_ERR, "module argument config given twice");
        return PAM_SERVICE_ERR;
      }
      if (value[0] != '/') {
        log_at(log, LOG_ERR, "module argument config=%s: the path must be absolute", value);
        return PAM_SERVICE_ERR;
      }
      out->config_path = value;
    } else if (strcmp(arg, "use_first_pass") == 0 || strcmp(arg, "try_first_pass") == 0) {
      /* Read by pam_get_authtok() itself; only the password method asks for a password. */
      continue;
    } else {
      log_at(log, LOG_ERR, "unknown module argument '%s'", arg);
      return PAM_SERVICE_ERR;
    }
  }
  if (out->method == METHOD_NONE) {
    log_at(log, LOG_ERR, "module argument method= is required (nevis, descope-totp or otpone)");
    return PAM_SERVICE_ERR;
  }
  if (!out->config_path) out->config_path = DEFAULT_CONFIG_PATH;
  return PAM_SUCCESS;
}
