/* See transport.h. */
#include "transport.h"

#include <security/pam_modules.h>

int transport_new(const struct logger *log, const struct config *config, ab_transport_config **out) {
  ab_transport_config *transport = NULL;
  /* Proxies come from the config file only, never from the environment: PAM runs inside
   * programs such as su whose environment the person logging in chooses, and a proxy of
   * their choosing would see (and could answer) every plain-HTTP vendor call. */
  if (ab_transport_config_new(&transport) != AB_STATUS_OK ||
      ab_transport_config_set_timeouts(transport, config->transport.connect_timeout_ms,
                                       config->transport.request_timeout_ms) != AB_STATUS_OK ||
      ab_transport_config_set_use_env_proxy(transport, false) != AB_STATUS_OK ||
      ab_transport_config_set_proxy(transport, config->transport.proxy) != AB_STATUS_OK ||
      ab_transport_config_set_user_agent_suffix(transport, "pam_authbridge") != AB_STATUS_OK) {
    log_library_error(log, LOG_ERR, "transport settings");
    ab_transport_config_free(transport);
    return PAM_SERVICE_ERR;
  }
  *out = transport;
  return PAM_SUCCESS;
}
