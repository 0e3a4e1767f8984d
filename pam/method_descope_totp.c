/* method=descope-totp: prompts for the code of the person's authenticator app and has
 * Descope verify it (TOTP Sign-In / Verify). */
#include <ctype.h>
#include <string.h>

#include "conversation.h"
#include "login.h"
#include "outcome.h"

/* Descope's code for "too many wrong codes". */
#define DESCOPE_TOO_MANY_ATTEMPTS "E061103"

static ab_descope_client *client_new(const struct login *login) {
  const struct config *config = login->config;
  ab_descope_config *settings = NULL;
  ab_descope_client *client = NULL;
  if (ab_descope_config_new(config->descope.project_id, &settings) == AB_STATUS_OK &&
      (!config->descope.url || ab_descope_config_set_base_url(settings, config->descope.url) == AB_STATUS_OK) &&
      (!config->descope.management_key ||
       ab_descope_config_set_management_key(settings, config->descope.management_key) == AB_STATUS_OK) &&
      ab_descope_config_set_transport(settings, login->transport) == AB_STATUS_OK &&
      ab_descope_client_new(settings, &client) == AB_STATUS_OK) {
    ab_descope_config_free(settings);
    return client;
  }
  log_library_error(login->log, LOG_ERR, "descope-totp: settings from the config file");
  ab_descope_config_free(settings);
  return NULL;
}

/* Authenticator codes are 6 to 10 digits; anything else is refused without asking Descope. */
static int looks_like_a_code(const char *code) {
  size_t n = strlen(code);
  if (n < 6 || n > 10) return 0;
  for (size_t i = 0; i < n; i++) {
    if (!isdigit((unsigned char)code[i])) return 0;
  }
  return 1;
}

static int failed(const struct login *login, ab_status status) {
  const char *vendor_code = ab_error_vendor_code();
  if (status == AB_STATUS_RATE_LIMITED && vendor_code && strcmp(vendor_code, DESCOPE_TOO_MANY_ATTEMPTS) == 0) {
    log_library_error(login->log, LOG_WARNING, "descope-totp: too many wrong codes");
    conversation_error(login->pamh, login->flags, "Too many wrong codes. Try again later.");
    return PAM_MAXTRIES;
  }
  if (status == AB_STATUS_AUTHENTICATION_FAILED) {
    log_at(login->log, LOG_NOTICE, "descope-totp: wrong code for %s", login->user);
    return PAM_AUTH_ERR;
  }
  int rc = outcome_of_failure(status);
  log_library_error(login->log, rc == PAM_USER_UNKNOWN ? LOG_NOTICE : LOG_ERR, "descope-totp: verify");
  return rc;
}

int method_descope_totp(const struct login *login) {
  char *code = NULL;
  int rc = conversation_ask_secret(login->pamh, "Verification code: ", &code);
  if (rc != PAM_SUCCESS) {
    log_at(login->log, LOG_ERR, "descope-totp: the application gave no code");
    return rc;
  }
  if (!looks_like_a_code(code)) {
    log_at(login->log, LOG_NOTICE, "descope-totp: %s typed something that is not a code", login->user);
    secret_free(code);
    return PAM_AUTH_ERR;
  }
  ab_descope_client *client = client_new(login);
  if (!client) {
    secret_free(code);
    return PAM_SERVICE_ERR;
  }
  ab_descope_session session;
  memset(&session, 0, sizeof session);
  ab_status result = ab_descope_totp_verify(client, login->user, code, NULL, &session);
  secret_free(code);
  if (result == AB_STATUS_OK) {
    log_at(login->log, LOG_INFO, "descope-totp: %s authenticated", login->user);
    ab_descope_session_free(&session); /* the session's tokens are not needed, and are wiped */
    rc = PAM_SUCCESS;
  } else {
    rc = failed(login, result);
  }
  ab_descope_client_free(client);
  return rc;
}
