/* pam_authbridge: the PAM entry points. Reads the service line's arguments and the config
 * file, runs the chosen method, and stops the authbridge library's threads before returning.
 *
 * Fork and unload. The library runs its network calls on threads of its own. The module
 * calls ab_shutdown() before pam_sm_authenticate returns, so no library thread is left
 * running while the host goes on: sshd and login fork right after authentication, and a
 * process forked while such threads held locks would inherit the locks without the threads.
 * (A host that authenticates in a child it forked, as sshd does, is fine too: the library
 * starts fresh threads in whichever process calls it.) The module is linked with
 * -z nodelete (Makefile): pam_end() unloads modules, and code of the library may still be
 * needed after that (glibc already keeps a library mapped while thread-local destructors it
 * registered on the host's threads are pending, and the Rust code inside registers some).
 * Never unloading makes that choice explicit rather than a detail of glibc; it costs only
 * address space, and a later pam_start() reuses the mapping. */
#define _POSIX_C_SOURCE 200809L /* strnlen */
#include <string.h>

#include <security/pam_ext.h>
#include <security/pam_modules.h>

#include "authbridge.h"
#include "config.h"
#include "log.h"
#include "login.h"
#include "options.h"
#include "transport.h"

#define MAX_USER_NAME 256

static int user_of(const struct logger *log, const char **out_user) {
  int rc = pam_get_user(log->pamh, out_user, NULL);
  if (rc != PAM_SUCCESS) {
    log_at(log, LOG_ERR, "no user name: %s", pam_strerror(log->pamh, rc));
    return rc;
  }
  const char *user = *out_user;
  size_t n = user ? strnlen(user, MAX_USER_NAME + 1) : 0;
  if (n == 0 || n > MAX_USER_NAME) {
    log_at(log, LOG_NOTICE, "refused a user name that is empty or longer than %d bytes", MAX_USER_NAME);
    return PAM_USER_UNKNOWN;
  }
  for (size_t i = 0; i < n; i++) {
    if ((unsigned char)user[i] < 0x20 || user[i] == 0x7f) {
      log_at(log, LOG_NOTICE, "refused a user name with control characters");
      return PAM_USER_UNKNOWN;
    }
  }
  return PAM_SUCCESS;
}

static int run(const struct login *login, enum method method) {
  switch (method) {
  case METHOD_NEVIS:
    return method_nevis(login);
  case METHOD_DESCOPE_TOTP:
    return method_descope_totp(login);
  case METHOD_OTPONE:
    return method_otpone(login);
  case METHOD_NONE:
    break;
  }
  return PAM_SERVICE_ERR;
}

PAM_EXTERN int pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc, const char **argv) {
  struct logger log = {pamh, DEFAULT_LOG_LEVEL};
  struct options options;
  int rc = options_parse(&log, argc, argv, &options);
  if (rc != PAM_SUCCESS) return rc;
  const char *user = NULL;
  rc = user_of(&log, &user);
  if (rc != PAM_SUCCESS) return rc;

  struct config config;
  rc = config_load(&log, options.config_path, options.method, &config);
  ab_transport_config *transport = NULL;
  if (rc == PAM_SUCCESS) rc = transport_new(&log, &config, &transport);
  if (rc == PAM_SUCCESS) {
    log_at(&log, LOG_DEBUG, "%s: authenticating %s", method_name(options.method), user);
    struct login login = {pamh, flags, user, &config, &log, transport};
    rc = run(&login, options.method);
  }
  ab_transport_config_free(transport);
  config_free(&config);
  if (ab_shutdown() != AB_STATUS_OK) log_library_error(&log, LOG_ERR, "stopping the library's threads");
  return rc;
}

/* Authentication only: there are no credentials to set. */
PAM_EXTERN int pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv) {
  (void)pamh;
  (void)flags;
  (void)argc;
  (void)argv;
  return PAM_SUCCESS;
}
