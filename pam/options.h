/* The module arguments of one PAM service line: which method, which config file, which log
 * level. Every argument is checked; anything unknown or repeated is refused. */
#ifndef PAM_AUTHBRIDGE_OPTIONS_H
#define PAM_AUTHBRIDGE_OPTIONS_H

#include "log.h"

#define DEFAULT_CONFIG_PATH "/etc/security/authbridge.conf"

enum method {
  METHOD_NONE = 0,
  METHOD_NEVIS,        /* "nevis": the password PAM collected, checked by nevisIDM */
  METHOD_DESCOPE_TOTP, /* "descope-totp": a prompted code, verified by Descope */
  METHOD_OTPONE,       /* "otpone": a push approved on the person's phone */
};

struct options {
  enum method method;
  /* Points into argv (owned by PAM) or at DEFAULT_CONFIG_PATH. */
  const char *config_path;
};

/* The name of a method as written in module arguments. */
const char *method_name(enum method method);

/* Reads argv into *out and sets log->level. PAM_SUCCESS, or PAM_SERVICE_ERR after logging
 * which argument is wrong. */
int options_parse(struct logger *log, int argc, const char **argv, struct options *out);

#endif
