/* The config file; see config.h. */
#define _DEFAULT_SOURCE /* explicit_bzero, getline */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <security/pam_modules.h>

#define MAX_LINE 4096

struct key {
  const char *section;
  const char *name;
  char **slot;
};

/* Every key the file may hold, and where its value goes. */
static size_t keys_of(struct config *c, struct key *out) {
  const struct key keys[] = {
      {"transport", "connect_timeout", &c->transport.connect_timeout},
      {"transport", "request_timeout", &c->transport.request_timeout},
      {"transport", "proxy", &c->transport.proxy},
      {"nevis", "url", &c->nevis.url},
      {"nevis", "client_ext_id", &c->nevis.client_ext_id},
      {"nevis", "bearer_token", &c->nevis.bearer_token},
      {"descope", "project_id", &c->descope.project_id},
      {"descope", "url", &c->descope.url},
      {"descope", "management_key", &c->descope.management_key},
      {"otpone", "url", &c->otpone.url},
      {"otpone", "server_key", &c->otpone.server_key},
      {"otpone", "client_key", &c->otpone.client_key},
      {"otpone", "flow", &c->otpone.flow},
      {"otpone", "timeout", &c->otpone.timeout},
      {"otpone", "mail_domain", &c->otpone.mail_domain},
  };
  size_t n = sizeof keys / sizeof keys[0];
  if (out) memcpy(out, keys, sizeof keys);
  return n;
}

static char *trim(char *s) {
  while (isspace((unsigned char)*s)) s++;
  size_t n = strlen(s);
  while (n > 0 && isspace((unsigned char)s[n - 1])) s[--n] = '\0';
  return s;
}

static int is_section(const char *name) {
  return strcmp(name, "transport") == 0 || strcmp(name, "nevis") == 0 || strcmp(name, "descope") == 0 ||
         strcmp(name, "otpone") == 0;
}

/* Opens the file only if nobody but root can have written or read it: the file holds the
 * vendors' keys and tokens, and whoever can change it decides where passwords are sent. */
static FILE *open_private(const struct logger *log, const char *path) {
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
  if (fd < 0) {
    log_at(log, LOG_ERR, "config %s: cannot open: %s", path, strerror(errno));
    return NULL;
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    log_at(log, LOG_ERR, "config %s: not a regular file", path);
    close(fd);
    return NULL;
  }
  if (st.st_uid != 0 || (st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    log_at(log, LOG_ERR, "config %s: refused: it must be owned by root and not accessible to group or others "
                         "(chown root %s; chmod 600 %s)", path, path, path);
    close(fd);
    return NULL;
  }
  FILE *file = fdopen(fd, "r");
  if (!file) close(fd);
  return file;
}

/* One `key = value` line of `section`; 0, or -1 after logging. */
static int set_key(const struct logger *log, const char *where, struct config *config, const char *section,
                   char *line) {
  char *equals = strchr(line, '=');
  if (!equals) {
    log_at(log, LOG_ERR, "%s: expected 'key = value' or '[section]'", where);
    return -1;
  }
  *equals = '\0';
  const char *name = trim(line);
  const char *value = trim(equals + 1);
  if (!section) {
    log_at(log, LOG_ERR, "%s: key '%s' comes before any [section]", where, name);
    return -1;
  }
  struct key keys[32];
  size_t n = keys_of(config, keys);
  for (size_t i = 0; i < n; i++) {
    if (strcmp(keys[i].section, section) != 0 || strcmp(keys[i].name, name) != 0) continue;
    if (*keys[i].slot) {
      log_at(log, LOG_ERR, "%s: %s.%s given twice", where, section, name);
      return -1;
    }
    if (!value[0]) {
      log_at(log, LOG_ERR, "%s: %s.%s is empty", where, section, name);
      return -1;
    }
    *keys[i].slot = strdup(value);
    return *keys[i].slot ? 0 : -1;
  }
  log_at(log, LOG_ERR, "%s: unknown key '%s' in [%s]", where, name, section);
  return -1;
}

static int parse(const struct logger *log, const char *path, FILE *file, struct config *config) {
  char *line = NULL;
  size_t capacity = 0;
  ssize_t length;
  char section[32] = "";
  int line_number = 0, rc = 0;
  while (rc == 0 && (length = getline(&line, &capacity, file)) >= 0) {
    char where[512];
    snprintf(where, sizeof where, "config %s line %d", path, ++line_number);
    if (length > MAX_LINE) {
      log_at(log, LOG_ERR, "%s: longer than %d bytes", where, MAX_LINE);
      rc = -1;
      break;
    }
    char *text = trim(line);
    if (!text[0] || text[0] == '#' || text[0] == ';') continue;
    if (text[0] == '[') {
      size_t n = strlen(text);
      if (text[n - 1] != ']' || n - 2 >= sizeof section) {
        log_at(log, LOG_ERR, "%s: malformed section header", where);
        rc = -1;
        break;
      }
      text[n - 1] = '\0';
      if (!is_section(text + 1)) {
        log_at(log, LOG_ERR, "%s: unknown section [%s] (transport, nevis, descope or otpone)", where, text + 1);
        rc = -1;
        break;
      }
      strcpy(section, text + 1);
      continue;
    }
    rc = set_key(log, where, config, section[0] ? section : NULL, text);
  }
  if (line) {
    explicit_bzero(line, capacity); /* the buffer held keys and tokens */
    free(line);
  }
  return rc;
}

/* A whole number of seconds in [1, max], as milliseconds; the default when not given. */
static int seconds(const struct logger *log, const char *path, const char *key, const char *text,
                   uint64_t default_seconds, uint64_t max, uint64_t *out_ms) {
  if (!text) {
    *out_ms = default_seconds * 1000;
    return 0;
  }
  char *end = NULL;
  errno = 0;
  unsigned long long value = strtoull(text, &end, 10);
  if (errno || !isdigit((unsigned char)text[0]) || *end || value < 1 || value > max) {
    log_at(log, LOG_ERR, "config %s: %s = %s: a whole number of seconds from 1 to %llu", path, key, text,
           (unsigned long long)max);
    return -1;
  }
  *out_ms = (uint64_t)value * 1000;
  return 0;
}

static int require(const struct logger *log, const char *path, const char *key, const char *value) {
  if (value) return 0;
  log_at(log, LOG_ERR, "config %s: %s is required", path, key);
  return -1;
}

/* What the chosen method needs, and the typed values. */
static int check(const struct logger *log, const char *path, enum method method, struct config *c) {
  if (seconds(log, path, "transport.connect_timeout", c->transport.connect_timeout, 10, 300,
              &c->transport.connect_timeout_ms) ||
      seconds(log, path, "transport.request_timeout", c->transport.request_timeout, 30, 300,
              &c->transport.request_timeout_ms)) {
    return -1;
  }
  switch (method) {
  case METHOD_NEVIS:
    return require(log, path, "nevis.url", c->nevis.url) ||
           require(log, path, "nevis.client_ext_id", c->nevis.client_ext_id);
  case METHOD_DESCOPE_TOTP:
    return require(log, path, "descope.project_id", c->descope.project_id);
  case METHOD_OTPONE:
    if (require(log, path, "otpone.url", c->otpone.url) ||
        require(log, path, "otpone.server_key", c->otpone.server_key) ||
        seconds(log, path, "otpone.timeout", c->otpone.timeout, 120, 600, &c->otpone.timeout_ms)) {
      return -1;
    }
    if (!c->otpone.flow || strcmp(c->otpone.flow, "send_request") == 0) {
      c->otpone.flow_kind = OTPONE_SEND_REQUEST;
    } else if (strcmp(c->otpone.flow, "transaction") == 0) {
      c->otpone.flow_kind = OTPONE_TRANSACTION;
      return require(log, path, "otpone.client_key (for flow = transaction)", c->otpone.client_key);
    } else {
      log_at(log, LOG_ERR, "config %s: otpone.flow = %s: use send_request or transaction", path, c->otpone.flow);
      return -1;
    }
    return 0;
  case METHOD_NONE:
    break;
  }
  return -1;
}

int config_load(const struct logger *log, const char *path, enum method method, struct config *out) {
  memset(out, 0, sizeof *out);
  FILE *file = open_private(log, path);
  if (!file) return PAM_SERVICE_ERR;
  /* stdio's own buffer would be freed unwiped: read through one that is wiped here. */
  char buffer[BUFSIZ];
  setvbuf(file, buffer, _IOFBF, sizeof buffer);
  int rc = parse(log, path, file, out);
  fclose(file);
  explicit_bzero(buffer, sizeof buffer);
  if (rc == 0) rc = check(log, path, method, out);
  return rc == 0 ? PAM_SUCCESS : PAM_SERVICE_ERR;
}

void config_free(struct config *config) {
  struct key keys[32];
  size_t n = keys_of(config, keys);
  for (size_t i = 0; i < n; i++) {
    char *value = *keys[i].slot;
    if (!value) continue;
    explicit_bzero(value, strlen(value));
    free(value);
    *keys[i].slot = NULL;
  }
}
