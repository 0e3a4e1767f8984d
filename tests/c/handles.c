/* Live handles of every kind, for tests that need "some valid handle" (null_args.c). A new
 * handle type must be added here, or the test aborts naming it. */
#include "abtest.h"

static ab_sandbox *sandbox;
static ab_transport_config *transport;
static ab_cancel *cancel;
static ab_nevis_config *nevis_config;
static ab_nevis_client *nevis_client;
static ab_otpone_config *otpone_config;
static ab_portal_config *portal_config;
static ab_authx_config *authx_config;
static ab_descope_config *descope_config;
static ab_descope_client *descope_client;
static ab_totp *totp;
static ab_authx_client *authx_client;
static ab_authx_frame *authx_frame;
static ab_portal *portal;
static ab_portal_server *portal_server;
static ab_receiver_options *receiver_options;
static ab_otpone_server *otpone_server;
static ab_otpone_client *otpone_client;

static void need(ab_status status, const char *what) {
  if (status != AB_STATUS_OK) {
    fprintf(stderr, "could not make a test handle (%s): [%s] %s\n", what, ab_error_code(), ab_error_message());
    abort();
  }
}

static ab_sandbox *the_sandbox(void) {
  if (!sandbox) need(ab_sandbox_start(&sandbox), "sandbox");
  return sandbox;
}

static char *url_of(const char *vendor) {
  char *url = NULL;
  need(ab_sandbox_url(the_sandbox(), vendor, &url), "sandbox url");
  return url;
}

void *ab_test_handle(const char *type) {
  if (!strcmp(type, "ab_sandbox")) return the_sandbox();
  if (!strcmp(type, "ab_transport_config")) {
    if (!transport) need(ab_transport_config_new(&transport), type);
    return transport;
  }
  if (!strcmp(type, "ab_cancel")) {
    if (!cancel) need(ab_cancel_new(&cancel), type);
    return cancel;
  }
  if (!strcmp(type, "ab_nevis_config")) {
    if (!nevis_config) {
      char *url = url_of("nevisidm");
      need(ab_nevis_config_new(url, &nevis_config), type);
      ab_string_free(url);
    }
    return nevis_config;
  }
  if (!strcmp(type, "ab_nevis_client")) {
    if (!nevis_client) need(ab_nevis_client_new(ab_test_handle("ab_nevis_config"), &nevis_client), type);
    return nevis_client;
  }
  if (!strcmp(type, "ab_otpone_config")) {
    if (!otpone_config) {
      char *url = url_of("otpone");
      need(ab_otpone_config_new(url, &otpone_config), type);
      ab_string_free(url);
    }
    return otpone_config;
  }
  if (!strcmp(type, "ab_otpone_server")) {
    if (!otpone_server) need(ab_otpone_server_new(ab_test_handle("ab_otpone_config"), "SRV-handles", &otpone_server), type);
    return otpone_server;
  }
  if (!strcmp(type, "ab_otpone_client")) {
    if (!otpone_client) need(ab_otpone_client_new(ab_test_handle("ab_otpone_config"), "JS-handles", &otpone_client), type);
    return otpone_client;
  }
  if (!strcmp(type, "ab_portal_config")) {
    if (!portal_config) {
      need(ab_portal_config_new("admin", "scode", &portal_config), type);
      need(ab_portal_config_allow_loopback(portal_config), "portal access policy");
    }
    return portal_config;
  }
  if (!strcmp(type, "ab_portal")) {
    if (!portal) need(ab_portal_new(ab_test_handle("ab_portal_config"), NULL, NULL, &portal), type);
    return portal;
  }
  if (!strcmp(type, "ab_portal_server")) {
    if (!portal_server) need(ab_portal_server_start(ab_test_handle("ab_portal"), "127.0.0.1:0", &portal_server), type);
    return portal_server;
  }
  if (!strcmp(type, "ab_receiver_options")) {
    if (!receiver_options) need(ab_receiver_options_new(&receiver_options), type);
    return receiver_options;
  }
  if (!strcmp(type, "ab_authx_config")) {
    if (!authx_config) {
      char *url = url_of("authx");
      need(ab_authx_config_new(url, "app-id", "app-key", &authx_config), type);
      ab_string_free(url);
    }
    return authx_config;
  }
  if (!strcmp(type, "ab_authx_client")) {
    if (!authx_client) need(ab_authx_client_new(ab_test_handle("ab_authx_config"), &authx_client), type);
    return authx_client;
  }
  if (!strcmp(type, "ab_authx_frame")) {
    static const uint8_t sample[] = "x";
    if (!authx_frame)
      need(ab_authx_frame_new("k", "s", "h", NULL, "guid", 2, 2, NULL, NULL, 0, sample, 1, NULL, &authx_frame), type);
    return authx_frame;
  }
  if (!strcmp(type, "ab_descope_config")) {
    if (!descope_config) need(ab_descope_config_new("P2HandlesProject", &descope_config), type);
    return descope_config;
  }
  if (!strcmp(type, "ab_descope_client")) {
    if (!descope_client) need(ab_descope_client_new(ab_test_handle("ab_descope_config"), &descope_client), type);
    return descope_client;
  }
  if (!strcmp(type, "ab_totp")) {
    if (!totp) need(ab_totp_new("JBSWY3DPEHPK3PXP", 0, 0, 0, &totp), type);
    return totp;
  }
  fprintf(stderr, "handles.c cannot make a %s: add it\n", type);
  abort();
}

void ab_test_handles_free(void) {
  ab_totp_free(totp);
  ab_descope_client_free(descope_client);
  ab_descope_config_free(descope_config);
  totp = NULL;
  descope_client = NULL;
  descope_config = NULL;
  ab_authx_frame_free(authx_frame);
  ab_authx_client_free(authx_client);
  ab_authx_config_free(authx_config);
  authx_frame = NULL;
  authx_client = NULL;
  authx_config = NULL;
  ab_portal_server_free(portal_server);
  ab_receiver_options_free(receiver_options);
  ab_portal_free(portal);
  ab_portal_config_free(portal_config);
  portal_server = NULL;
  receiver_options = NULL;
  portal = NULL;
  portal_config = NULL;
  ab_otpone_client_free(otpone_client);
  ab_otpone_server_free(otpone_server);
  ab_otpone_config_free(otpone_config);
  otpone_client = NULL;
  otpone_server = NULL;
  otpone_config = NULL;
  ab_nevis_client_free(nevis_client);
  ab_nevis_config_free(nevis_config);
  ab_cancel_free(cancel);
  ab_transport_config_free(transport);
  ab_sandbox_free(sandbox);
  nevis_client = NULL;
  nevis_config = NULL;
  cancel = NULL;
  transport = NULL;
  sandbox = NULL;
}
