/* The PAM conversation; see conversation.h. */
#define _DEFAULT_SOURCE /* explicit_bzero */
#include "conversation.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <security/pam_ext.h>

static void say(pam_handle_t *pamh, int flags, int style, const char *format, va_list args) {
  if (flags & PAM_SILENT) return;
  /* The application's answer to a message is not needed; pam_vprompt frees none when NULL. */
  pam_vprompt(pamh, style, NULL, format, args);
}

void conversation_info(pam_handle_t *pamh, int flags, const char *format, ...) {
  va_list args;
  va_start(args, format);
  say(pamh, flags, PAM_TEXT_INFO, format, args);
  va_end(args);
}

void conversation_error(pam_handle_t *pamh, int flags, const char *format, ...) {
  va_list args;
  va_start(args, format);
  say(pamh, flags, PAM_ERROR_MSG, format, args);
  va_end(args);
}

int conversation_ask_secret(pam_handle_t *pamh, const char *prompt, char **out_answer) {
  *out_answer = NULL;
  int rc = pam_prompt(pamh, PAM_PROMPT_ECHO_OFF, out_answer, "%s", prompt);
  if (rc != PAM_SUCCESS || !*out_answer) {
    secret_free(*out_answer);
    *out_answer = NULL;
    return PAM_CONV_ERR;
  }
  return PAM_SUCCESS;
}

void secret_free(char *secret) {
  if (!secret) return;
  explicit_bzero(secret, strlen(secret));
  free(secret);
}
