/* Talking to the person through the application's PAM conversation: messages (left out when
 * the application passed PAM_SILENT) and secret prompts, whose answers are wiped when freed. */
#ifndef PAM_AUTHBRIDGE_CONVERSATION_H
#define PAM_AUTHBRIDGE_CONVERSATION_H

#include <security/pam_modules.h>

/* An informational message (PAM_TEXT_INFO). */
void conversation_info(pam_handle_t *pamh, int flags, const char *format, ...) __attribute__((format(printf, 3, 4)));

/* A message about a failure (PAM_ERROR_MSG). */
void conversation_error(pam_handle_t *pamh, int flags, const char *format, ...) __attribute__((format(printf, 3, 4)));

/* Asks with echo off; *out_answer is freed with secret_free. PAM_SUCCESS or PAM_CONV_ERR. */
int conversation_ask_secret(pam_handle_t *pamh, const char *prompt, char **out_answer);

/* Wipes and frees a string that held a secret; NULL does nothing. */
void secret_free(char *secret);

#endif
