/* One authentication as the methods see it, and the three methods. Each returns a PAM code,
 * has told the person what they need to know, and has logged the outcome. */
#ifndef PAM_AUTHBRIDGE_LOGIN_H
#define PAM_AUTHBRIDGE_LOGIN_H

#include <security/pam_modules.h>

#include "authbridge.h"
#include "config.h"
#include "log.h"

struct login {
  pam_handle_t *pamh;
  int flags; /* pam_sm_authenticate's flags (PAM_SILENT) */
  const char *user;
  const struct config *config;
  const struct logger *log;
  const ab_transport_config *transport;
};

int method_nevis(const struct login *login);
int method_descope_totp(const struct login *login);
int method_otpone(const struct login *login);

#endif
