/* A login provider's password check against nevisIDM, with the C ABI of authbridge.
 *
 *   nevis_login BASE_URL CLIENT_EXT_ID USER_EXT_ID   (reads the password from stdin)
 *
 * Exits 0 when the password is accepted, 1 when it is refused, 2 when the check failed.
 * Offline, point it at the nevisIDM stand-in of `authbridge-sandbox` (see the README).
 *
 * Build: cc -std=c11 nevis_login.c $(pkg-config --cflags --libs authbridge)
 */
#include <stdio.h>
#include <string.h>

#include "authbridge.h"

enum verdict { ACCEPTED, REFUSED, BROKEN };

static enum verdict check_password(const char *base_url, const char *client_id, const char *user,
                                   const char *password) {
  ab_nevis_config *config = NULL;
  ab_nevis_client *client = NULL;
  enum verdict verdict = BROKEN;
  if (ab_nevis_config_new(base_url, &config) != AB_STATUS_OK ||
      ab_nevis_client_new(config, &client) != AB_STATUS_OK) {
    fprintf(stderr, "setup failed: [%s] %s\n", ab_error_code(), ab_error_message());
    goto done;
  }
  ab_nevis_login_status status;
  char *description = NULL;
  switch (ab_nevis_password_login(client, client_id, user, password, &status, &description)) {
  case AB_STATUS_OK:
    printf("welcome %s (%s)\n", user, description);
    ab_string_free(description);
    verdict = ACCEPTED;
    break;
  case AB_STATUS_AUTHENTICATION_FAILED: /* wrong password: is the account locked now? */
    printf("refused%s\n", ab_error_nevis_login_status() == AB_NEVIS_LOGIN_STATUS_FAILED_LOCKED
                              ? ", account locked" : "");
    verdict = REFUSED;
    break;
  default: /* not reachable, misconfigured, ...: the last error says what and where */
    fprintf(stderr, "login failed: [%s] %s (HTTP %u)\n", ab_error_code(), ab_error_message(),
            (unsigned)ab_error_http_status());
  }
done:
  ab_nevis_client_free(client);
  ab_nevis_config_free(config);
  return verdict;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: %s BASE_URL CLIENT_EXT_ID USER_EXT_ID < password\n", argv[0]);
    return BROKEN;
  }
  char password[256];
  if (!fgets(password, sizeof password, stdin)) return BROKEN;
  password[strcspn(password, "\r\n")] = '\0';
  return check_password(argv[1], argv[2], argv[3], password);
}
