/* The config file: each vendor's settings (URLs, keys, tokens), readable by root only.
 *
 *   [transport]  connect_timeout, request_timeout (seconds), proxy
 *   [nevis]      url, client_ext_id, bearer_token
 *   [descope]    project_id, url, management_key
 *   [otpone]     url, server_key, client_key, flow (send_request | transaction),
 *                timeout (seconds), mail_domain
 *
 * Lines are `key = value`, `# comment` or `[section]`. Unknown sections or keys, repeated keys
 * and empty values are refused, and so is the whole file unless it is a regular file owned by
 * root that grants nothing to group or others. */
#ifndef PAM_AUTHBRIDGE_CONFIG_H
#define PAM_AUTHBRIDGE_CONFIG_H

#include <stdint.h>

#include "log.h"
#include "options.h"

enum otpone_flow {
  OTPONE_SEND_REQUEST, /* SendRequest: one call that lasts until the person answers */
  OTPONE_TRANSACTION,  /* getTransactionID, then IsFinish/GetResult until the timeout */
};

/* Every string is NULL when not given; all are wiped when freed. */
struct config {
  struct {
    char *connect_timeout, *request_timeout, *proxy;
    uint64_t connect_timeout_ms, request_timeout_ms;
  } transport;
  struct {
    char *url, *client_ext_id, *bearer_token;
  } nevis;
  struct {
    char *project_id, *url, *management_key;
  } descope;
  struct {
    char *url, *server_key, *client_key, *flow, *timeout, *mail_domain;
    enum otpone_flow flow_kind;
    uint64_t timeout_ms;
  } otpone;
};

/* Reads the file at `path` and checks what `method` needs. PAM_SUCCESS, or PAM_SERVICE_ERR
 * after logging what is wrong (never a value that may be secret). Free with config_free
 * either way. */
int config_load(const struct logger *log, const char *path, enum method method, struct config *out);

/* Wipes and frees every string. */
void config_free(struct config *config);

#endif
