/* What a failed authbridge call means for PAM, when the method has nothing more specific. */
#ifndef PAM_AUTHBRIDGE_OUTCOME_H
#define PAM_AUTHBRIDGE_OUTCOME_H

#include "authbridge.h"

/* PAM_AUTHINFO_UNAVAIL when the vendor could not be reached or gave no usable answer (so a
 * `[authinfo_unavail=ignore]` line lets the stack go on), PAM_USER_UNKNOWN for an unknown
 * user, PAM_AUTH_ERR for a refused credential or input, PAM_SERVICE_ERR for anything that is
 * the module's or library's own fault. */
int outcome_of_failure(ab_status status);

#endif
