/* The HTTP settings every vendor client of the module uses, from the [transport] section. */
#ifndef PAM_AUTHBRIDGE_TRANSPORT_H
#define PAM_AUTHBRIDGE_TRANSPORT_H

#include "authbridge.h"
#include "config.h"
#include "log.h"

/* Creates the settings into *out (free with ab_transport_config_free); PAM_SUCCESS, or
 * PAM_SERVICE_ERR after logging why. */
int transport_new(const struct logger *log, const struct config *config, ab_transport_config **out);

#endif
