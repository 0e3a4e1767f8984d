/* method=otpone: a push to the person's phone (SendRequest, or getTransactionID and a wait),
 * approved there within the configured time. A denial, no answer in time, or an approval by
 * another user than the one logging in all refuse the login. */
#define _DEFAULT_SOURCE /* gethostname, clock_gettime */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <security/pam_ext.h>

#include "conversation.h"
#include "login.h"
#include "outcome.h"

/* RequestComputerSession in OtpOne's RequestTypes: the person sees a computer login. */
#define REQUEST_COMPUTER_SESSION 1
/* How often the transaction flow asks whether the person has answered. */
#define POLL_INTERVAL_MS 1000

/* What the push says and to whom, and when the wait for the person began (0: not yet). */
struct push {
  uint64_t started_ms;
  char mail[512];
  char message[512];
  char requester[256];
  char application[128];
};

static uint64_t now_ms(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (uint64_t)now.tv_sec * 1000 + (uint64_t)now.tv_nsec / 1000000;
}

static int printable(const char *s) {
  for (; *s; s++) {
    if ((unsigned char)*s < 0x20 || *s == 0x7f) return 0;
  }
  return 1;
}

/* The mail address OtpOne knows the person by, and what the phone shows. */
static int push_of(const struct login *login, struct push *push) {
  const char *domain = login->config->otpone.mail_domain;
  int n = domain ? snprintf(push->mail, sizeof push->mail, "%s@%s", login->user, domain)
                 : snprintf(push->mail, sizeof push->mail, "%s", login->user);
  if (n < 0 || (size_t)n >= sizeof push->mail || !strchr(push->mail, '@')) {
    log_at(login->log, LOG_NOTICE, "otpone: user %s has no mail address (set otpone.mail_domain)", login->user);
    return PAM_USER_UNKNOWN;
  }
  const void *item = NULL;
  const char *service = pam_get_item(login->pamh, PAM_SERVICE, &item) == PAM_SUCCESS && item ? item : "login";
  const char *rhost = pam_get_item(login->pamh, PAM_RHOST, &item) == PAM_SUCCESS && item ? item : "";
  char host[256] = "";
  if (gethostname(host, sizeof host - 1) != 0 || !printable(host)) strcpy(host, "this machine");
  snprintf(push->message, sizeof push->message, "Log in to %s on %s as %s", service, host, login->user);
  snprintf(push->requester, sizeof push->requester, "%s", rhost[0] && printable(rhost) ? rhost : "local");
  snprintf(push->application, sizeof push->application, "PAM %s", printable(service) ? service : "login");
  push->started_ms = 0;
  return PAM_SUCCESS;
}

static int settings_new(const struct login *login, ab_otpone_config **out) {
  const struct config *config = login->config;
  ab_otpone_config *settings = NULL;
  /* SendRequest lasts while the person answers: it is allowed the whole configured time. */
  if (ab_otpone_config_new(config->otpone.url, &settings) == AB_STATUS_OK &&
      ab_otpone_config_set_transport(settings, login->transport) == AB_STATUS_OK &&
      ab_otpone_config_set_send_request_timeout(settings, config->otpone.timeout_ms) == AB_STATUS_OK) {
    *out = settings;
    return PAM_SUCCESS;
  }
  log_library_error(login->log, LOG_ERR, "otpone: settings from the config file");
  ab_otpone_config_free(settings);
  return PAM_SERVICE_ERR;
}

static void tell_to_approve(const struct login *login, struct push *push) {
  conversation_info(login->pamh, login->flags, "Approve the login on your phone (within %llu seconds).",
                    (unsigned long long)(login->config->otpone.timeout_ms / 1000));
  push->started_ms = now_ms();
}

/* Opens a transaction, then polls until the person answers or the time is up. */
static ab_status transaction(const struct login *login, struct push *push, const ab_otpone_server *server,
                             const ab_otpone_client *client, ab_otpone_validation *out) {
  char *transaction_id = NULL;
  ab_status status =
      ab_otpone_get_transaction_id(server, push->mail, REQUEST_COMPUTER_SESSION, push->message, NULL, &transaction_id);
  if (status == AB_STATUS_OK) {
    tell_to_approve(login, push);
    status = ab_otpone_wait_for_result(client, transaction_id, push->mail, login->config->otpone.timeout_ms,
                                       POLL_INTERVAL_MS, NULL, out);
  }
  ab_string_free(transaction_id);
  return status;
}

/* One SendRequest, which lasts until the person answers (it is allowed the whole time). */
static ab_status send_request(const struct login *login, struct push *push, const ab_otpone_server *server,
                              ab_otpone_validation *out) {
  tell_to_approve(login, push);
  return ab_otpone_send_request(server, push->mail, REQUEST_COMPUTER_SESSION, push->message, push->requester,
                                "Linux", push->application, out);
}

/* A timeout means the person did not answer only once the whole time has passed; earlier, a
 * connection or a poll timed out, and the vendor is what could not be reached. */
static int waited_the_whole_time(const struct login *login, const struct push *push) {
  return push->started_ms && now_ms() - push->started_ms >= login->config->otpone.timeout_ms;
}

static int failed(const struct login *login, ab_status status, const struct push *push) {
  if (status == AB_STATUS_AUTHENTICATION_FAILED) {
    const char *rule = ab_error_vendor_code();
    if (rule && strcmp(rule, "UserValided") == 0) {
      log_at(login->log, LOG_WARNING, "otpone: the login of %s was approved by another user; refused", login->user);
    } else {
      log_at(login->log, LOG_NOTICE, "otpone: %s did not approve the login", login->user);
    }
    conversation_error(login->pamh, login->flags, "The login was not approved.");
    return PAM_AUTH_ERR;
  }
  if (status == AB_STATUS_TIMEOUT && waited_the_whole_time(login, push)) {
    log_at(login->log, LOG_NOTICE, "otpone: %s did not answer in time", login->user);
    conversation_error(login->pamh, login->flags, "The login was not approved in time.");
    return PAM_AUTH_ERR;
  }
  int rc = outcome_of_failure(status);
  log_library_error(login->log, rc == PAM_USER_UNKNOWN ? LOG_NOTICE : LOG_ERR, "otpone");
  return rc;
}

int method_otpone(const struct login *login) {
  struct push push;
  int rc = push_of(login, &push);
  if (rc != PAM_SUCCESS) return rc;
  ab_otpone_config *settings = NULL;
  rc = settings_new(login, &settings);
  if (rc != PAM_SUCCESS) return rc;
  int distributed = login->config->otpone.flow_kind == OTPONE_TRANSACTION;
  ab_otpone_server *server = NULL;
  ab_otpone_client *client = NULL;
  if (ab_otpone_server_new(settings, login->config->otpone.server_key, &server) != AB_STATUS_OK ||
      (distributed && ab_otpone_client_new(settings, login->config->otpone.client_key, &client) != AB_STATUS_OK)) {
    log_library_error(login->log, LOG_ERR, "otpone: keys from the config file");
    ab_otpone_server_free(server);
    ab_otpone_config_free(settings);
    return PAM_SERVICE_ERR;
  }
  ab_otpone_validation validation;
  memset(&validation, 0, sizeof validation);
  ab_status status = distributed ? transaction(login, &push, server, client, &validation)
                                 : send_request(login, &push, server, &validation);
  if (status == AB_STATUS_OK) {
    log_at(login->log, LOG_INFO, "otpone: %s approved the login", login->user);
    rc = PAM_SUCCESS;
  } else {
    rc = failed(login, status, &push);
  }
  ab_otpone_validation_free(&validation);
  ab_otpone_client_free(client);
  ab_otpone_server_free(server);
  ab_otpone_config_free(settings);
  return rc;
}
