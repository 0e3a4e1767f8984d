/* Live handles of every kind, for tests that need "some valid handle" (null_args.c). A new
 * handle type must be added here, or the test aborts naming it. */
#include "abtest.h"

static ab_sandbox *sandbox;
static ab_transport_config *transport;
static ab_cancel *cancel;
static ab_nevis_config *nevis_config;
static ab_nevis_client *nevis_client;

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

static char *url_of(uint32_t vendor) {
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
      char *url = url_of(AB_VENDOR_NEVIS);
      need(ab_nevis_config_new(url, &nevis_config), type);
      ab_string_free(url);
    }
    return nevis_config;
  }
  if (!strcmp(type, "ab_nevis_client")) {
    if (!nevis_client) need(ab_nevis_client_new(ab_test_handle("ab_nevis_config"), &nevis_client), type);
    return nevis_client;
  }
  fprintf(stderr, "handles.c cannot make a %s: add it\n", type);
  abort();
}

void ab_test_handles_free(void) {
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
