/* See outcome.h. */
#include "outcome.h"

#include <security/pam_modules.h>

int outcome_of_failure(ab_status status) {
  switch (status) {
  case AB_STATUS_CONNECT:
  case AB_STATUS_TIMEOUT:
  case AB_STATUS_TRANSPORT:
  case AB_STATUS_RESPONSE_TOO_LARGE:
  case AB_STATUS_DECODE:
  case AB_STATUS_HTTP_STATUS:
  case AB_STATUS_VENDOR:
  case AB_STATUS_RATE_LIMITED:
  /* The vendor refused this machine's own credentials (token, keys): the person's
   * credential could not be checked at all. */
  case AB_STATUS_UNAUTHORIZED:
    return PAM_AUTHINFO_UNAVAIL;
  case AB_STATUS_NOT_FOUND:
    return PAM_USER_UNKNOWN;
  case AB_STATUS_AUTHENTICATION_FAILED:
  case AB_STATUS_INVALID_INPUT:
  case AB_STATUS_CONFLICT:
  case AB_STATUS_CANCELLED:
    return PAM_AUTH_ERR;
  default:
    return PAM_SERVICE_ERR;
  }
}
