/* method=nevis: the password PAM collected, checked with nevisIDM password login. A wrong
 * password that brings the credential close to or into its lock is told to the person. */
#include <string.h>

#include <security/pam_ext.h>

#include "conversation.h"
#include "login.h"
#include "outcome.h"

static ab_nevis_client *client_new(const struct login *login) {
  const struct config *config = login->config;
  ab_nevis_config *settings = NULL;
  ab_nevis_client *client = NULL;
  if (ab_nevis_config_new(config->nevis.url, &settings) == AB_STATUS_OK &&
      ab_nevis_config_set_transport(settings, login->transport) == AB_STATUS_OK &&
      (!config->nevis.bearer_token || ab_nevis_config_set_bearer(settings, config->nevis.bearer_token) == AB_STATUS_OK) &&
      ab_nevis_client_new(settings, &client) == AB_STATUS_OK) {
    ab_nevis_config_free(settings);
    return client;
  }
  log_library_error(login->log, LOG_ERR, "nevis: settings from the config file");
  ab_nevis_config_free(settings);
  return NULL;
}

/* A refused password: nevisIDM's login status says whether it locked the credential. */
static int wrong_password(const struct login *login) {
  switch (ab_error_nevis_login_status()) {
  case AB_NEVIS_LOGIN_STATUS_FAILED_LOCK_WARNING:
    log_at(login->log, LOG_NOTICE, "nevis: wrong password for %s; one more failure locks the credential", login->user);
    conversation_error(login->pamh, login->flags, "Wrong password. One more failure locks your account.");
    return PAM_AUTH_ERR;
  case AB_NEVIS_LOGIN_STATUS_FAILED_LOCKED:
    log_at(login->log, LOG_WARNING, "nevis: wrong password for %s; the credential is now locked", login->user);
    conversation_error(login->pamh, login->flags, "Wrong password. Your account is now locked.");
    return PAM_MAXTRIES;
  case AB_NEVIS_LOGIN_STATUS_FAILED_TEMPORARILY_LOCKED:
    log_at(login->log, LOG_WARNING, "nevis: wrong password for %s; the credential is now temporarily locked",
           login->user);
    conversation_error(login->pamh, login->flags, "Wrong password. Your account is locked for a while.");
    return PAM_MAXTRIES;
  default:
    log_at(login->log, LOG_NOTICE, "nevis: wrong password for %s", login->user);
    return PAM_AUTH_ERR;
  }
}

static int failed(const struct login *login, ab_status status) {
  if (status == AB_STATUS_AUTHENTICATION_FAILED) return wrong_password(login);
  const char *vendor_code = ab_error_vendor_code();
  if (status == AB_STATUS_CONFLICT && vendor_code && strcmp(vendor_code, "errors.credentialNotActive") == 0) {
    /* Locked (or disabled) before this attempt: the password was not even checked. */
    log_library_error(login->log, LOG_NOTICE, "nevis: password login refused");
    conversation_error(login->pamh, login->flags, "Your account is locked.");
    return PAM_PERM_DENIED;
  }
  int rc = outcome_of_failure(status);
  log_library_error(login->log, rc == PAM_USER_UNKNOWN ? LOG_NOTICE : LOG_ERR, "nevis: password login");
  return rc;
}

int method_nevis(const struct login *login) {
  const char *password = NULL; /* PAM's own copy: PAM wipes it */
  int rc = pam_get_authtok(login->pamh, PAM_AUTHTOK, &password, NULL);
  if (rc != PAM_SUCCESS) {
    log_at(login->log, LOG_ERR, "nevis: no password: %s", pam_strerror(login->pamh, rc));
    return rc;
  }
  if (!password || !password[0]) {
    log_at(login->log, LOG_NOTICE, "nevis: empty password for %s", login->user);
    return PAM_AUTH_ERR;
  }
  ab_nevis_client *client = client_new(login);
  if (!client) return PAM_SERVICE_ERR;
  ab_nevis_login_status status = AB_NEVIS_LOGIN_STATUS_NONE;
  ab_status result =
      ab_nevis_password_login(client, login->config->nevis.client_ext_id, login->user, password, &status, NULL);
  if (result == AB_STATUS_OK) {
    log_at(login->log, LOG_INFO, "nevis: %s authenticated", login->user);
    rc = PAM_SUCCESS;
  } else {
    rc = failed(login, result);
  }
  ab_nevis_client_free(client);
  return rc;
}
