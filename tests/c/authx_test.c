/* AuthX through the C ABI, against the sandbox: the cached token, users, PINs, and
 * ProcessBiometric from memory and from a file, plus the framing encoder on its own. */
#define _GNU_SOURCE /* memmem */
#include <unistd.h>

#include "abtest.h"

static ab_sandbox *sb;
static ab_authx_client *client;

/* The applications the tests register with the stand-in. */
#define APPLICATION_ID "c-tests-application"
#define APPLICATION_KEY "c-tests-application-key"
#define BIOMETRIC_KEY "c-tests-biometric-key"
#define BIOMETRIC_SECRET "c-tests-biometric-secret"
#define HOST "ctests01"

static void users_and_pins(void) {
  const char *aliases[] = {"ally", ""};
  char *guid = NULL;
  EXPECT_OK(ab_authx_add_user(client, "alice", "alice@example.com", "Alice", "Smith", "+41", "791234567", aliases, 2,
                              &guid));
  CHECK(guid && guid[0], "AddUser returns the guid");
  char *json = ab_test_control(sb, "{\"op\":\"authx.user_named\",\"user_name\":\"alice\"}");
  CHECK(json && strstr(json, guid) && strstr(json, "\"country_code\":\"+41\"") && strstr(json, "ally"),
        "the stand-in stored the user as sent");
  ab_string_free(json);
  json = ab_test_control(sb, "{\"op\":\"authx.last_request\",\"route\":\"authx.AddUser\"}");
  CHECK(json && strstr(json, "\"first_Name\":\"Alice\""), "the seed's odd casing on the wire");
  ab_string_free(json);

  char *again = NULL;
  EXPECT_STATUS(ab_authx_add_user(client, "alice", "a@example.com", "A", "S", NULL, "1", NULL, 0, &again),
                AB_STATUS_VENDOR, "a user name that exists");
  CHECK(ab_error_vendor_code() != NULL, "AuthX's subcode is the vendor code");
  CHECK(again == NULL, "nothing written");
  EXPECT_STATUS(ab_authx_add_user(client, "bob", "not-a-mail", "B", "S", NULL, "1", NULL, 0, &again),
                AB_STATUS_INVALID_INPUT, "refused before sending");
  const char *six[] = {"a", "b", "c", "d", "e", "f"};
  EXPECT_STATUS(ab_authx_add_user(client, "bob", "b@example.com", "B", "S", NULL, "1", six, 6, &again),
                AB_STATUS_INVALID_INPUT, "at most five aliases");

  char *updated = NULL;
  EXPECT_OK(ab_authx_update_user(client, guid, "alice", "alice@new.example", "Alice", "Jones", NULL, "791234567", NULL,
                                 0, &updated));
  EXPECT_STR(updated, guid, "UpdateUser answers the guid");
  ab_string_free(updated);

  EXPECT_OK(ab_authx_generate_pin(client, guid, "4711"));
  bool verified = false;
  int64_t subcode = -1;
  char *message = (char *)"untouched";
  EXPECT_OK(ab_authx_verify_pin(client, guid, "4711", &verified, &subcode, &message));
  CHECK(verified && message == NULL, "the right PIN");
  EXPECT_OK(ab_authx_verify_pin(client, guid, "0000", &verified, &subcode, NULL));
  CHECK(!verified && subcode == 0, "a wrong PIN is an answer (subcode 0), not an error");
  EXPECT_STATUS(ab_authx_verify_pin(client, "no-such-guid", "4711", &verified, NULL, NULL), AB_STATUS_VENDOR,
                "an unknown user is an error");

  /* the token is fetched once and renewed once after it was ended */
  CHECK(ab_test_control_count(sb, "{\"op\":\"authx.issued_tokens\"}") == 1, "one token for every call so far");
  ab_test_command(sb, "{\"op\":\"authx.expire_tokens\"}");
  EXPECT_OK(ab_authx_verify_pin(client, guid, "4711", &verified, NULL, NULL));
  CHECK(verified && ab_test_control_count(sb, "{\"op\":\"authx.issued_tokens\"}") == 2, "a 401 renews the token and repeats the call once");
  ab_authx_token token;
  memset(&token, 0, sizeof token);
  EXPECT_OK(ab_authx_access_token(client, &token));
  CHECK(token.access_token && token.expires_in_ms > 0 && strcmp(token.token_type, "bearer") == 0, "token");
  ab_authx_token_free(&token);
  ab_authx_token_free(&token);

  CHECK(ab_test_control_number(sb, "{\"op\":\"authx.user_count\"}") == 1, "one user");
  EXPECT_OK(ab_authx_delete_user(client, guid));
  CHECK(ab_test_control_number(sb, "{\"op\":\"authx.user_count\"}") == 0, "deleted");
  ab_string_free(guid);
}

static void biometrics(void) {
  char *guid = NULL;
  EXPECT_OK(ab_authx_add_user(client, "carol", "carol@example.com", "Carol", "C", NULL, "5550100", NULL, 0, &guid));
  static const uint8_t face[] = "FACE-SAMPLE-OF-CAROL";
  ab_authx_device device;
  memset(&device, 0, sizeof device);
  device.device_name = "Kiosk 7";
  device.ip = "10.1.2.3";
  ab_authx_biometric_result r;
  memset(&r, 0, sizeof r);
  EXPECT_OK(ab_authx_process_biometric(client, guid, AB_AUTHX_BIOMETRIC_KIND_FACE, AB_AUTHX_BIOMETRIC_PROCESS_ENROL,
                                       "corr-1", &device, 0, face, sizeof face, &r));
  CHECK(r.outcome == AB_AUTHX_BIOMETRIC_OUTCOME_SUCCESS && r.response_code == 1, "enrolled");
  EXPECT_STR(r.correlation_id, "corr-1", "correlation id echoed");
  ab_authx_biometric_result_free(&r);

  /* verify from a file, streamed */
  char path[64];
  snprintf(path, sizeof path, "/tmp/ab-authx-face-%d.bin", (int)getpid());
  FILE *f = fopen(path, "wb");
  fwrite(face, 1, sizeof face, f);
  fclose(f);
  EXPECT_OK(ab_authx_process_biometric_file(client, guid, AB_AUTHX_BIOMETRIC_KIND_FACE,
                                            AB_AUTHX_BIOMETRIC_PROCESS_VERIFY, NULL, NULL, 0, path, &r));
  CHECK(r.outcome == AB_AUTHX_BIOMETRIC_OUTCOME_SUCCESS, "the same face matches");
  ab_authx_biometric_result_free(&r);
  char *upload = ab_test_control(sb, "{\"op\":\"authx.last_upload\"}");
  CHECK(upload && strstr(upload, "\"bytes\":21"), "the whole sample arrived");
  ab_string_free(upload);

  static const uint8_t other[] = "SOMEONE-ELSE";
  EXPECT_OK(ab_authx_process_biometric(client, guid, AB_AUTHX_BIOMETRIC_KIND_FACE, AB_AUTHX_BIOMETRIC_PROCESS_VERIFY,
                                       NULL, NULL, 0, other, sizeof other, &r));
  CHECK(r.outcome == AB_AUTHX_BIOMETRIC_OUTCOME_FACE_NOT_MATCH, "a mismatch is an outcome");
  ab_authx_biometric_result_free(&r);
  ab_test_command(sb, "{\"op\":\"authx.queue_biometric_outcome\",\"response_code\":3}");
  EXPECT_OK(ab_authx_process_biometric(client, guid, AB_AUTHX_BIOMETRIC_KIND_FACE, AB_AUTHX_BIOMETRIC_PROCESS_VERIFY,
                                       NULL, NULL, 0, face, sizeof face, &r));
  CHECK(r.outcome == AB_AUTHX_BIOMETRIC_OUTCOME_FACE_QUALITY_POOR, "forced outcome");
  ab_authx_biometric_result_free(&r);
  EXPECT_STATUS(ab_authx_process_biometric(client, guid, 9, AB_AUTHX_BIOMETRIC_PROCESS_VERIFY, NULL, NULL, 0, face,
                                           sizeof face, &r),
                AB_STATUS_INVALID_INPUT, "unknown biometric kind");
  EXPECT_NAMES_ARG("kind", "authentication_id");
  EXPECT_STATUS(ab_authx_process_biometric_file(client, guid, AB_AUTHX_BIOMETRIC_KIND_FACE,
                                                AB_AUTHX_BIOMETRIC_PROCESS_VERIFY, NULL, NULL, 0,
                                                "/nonexistent/face.bin", &r),
                AB_STATUS_IO, "a missing file");

  /* the framing on its own: read the body in small chunks */
  ab_authx_frame *frame = NULL;
  EXPECT_OK(ab_authx_frame_new(BIOMETRIC_KEY, BIOMETRIC_SECRET, HOST, NULL, guid, AB_AUTHX_BIOMETRIC_KIND_FACE,
                               AB_AUTHX_BIOMETRIC_PROCESS_VERIFY, "corr-frame", NULL, 0, NULL, 0, path, &frame));
  char *content_type = NULL, *corr = NULL;
  EXPECT_OK(ab_authx_frame_content_type(frame, &content_type));
  EXPECT_OK(ab_authx_frame_correlation_id(frame, &corr));
  CHECK(strncmp(content_type, "multipart/form-data; boundary=", 30) == 0, "multipart content type");
  EXPECT_STR(corr, "corr-frame", "frame correlation id");
  uint64_t length = 0;
  bool known = false;
  EXPECT_OK(ab_authx_frame_content_length(frame, &length, &known));
  uint8_t body[8192];
  size_t total = 0, n = 0;
  do {
    EXPECT_OK(ab_authx_frame_read(frame, body + total, total + 7 <= sizeof body ? 7 : sizeof body - total, &n));
    total += n;
  } while (n > 0 && total < sizeof body);
  CHECK(known && length == total, "Content-Length is the body's length");
  const char *boundary = content_type + 30;
  CHECK(memmem(body, total, boundary, strlen(boundary)) && memmem(body, total, face, sizeof face) &&
            memmem(body, total, "name=\"biometricdata\"; filename=\"blob\"", 37),
        "the sample is a part named biometricdata with filename blob");
  ab_string_free(content_type);
  ab_string_free(corr);
  ab_authx_frame_free(frame);

  frame = NULL;
  EXPECT_OK(ab_authx_biometric_frame(client, guid, AB_AUTHX_BIOMETRIC_KIND_FACE, AB_AUTHX_BIOMETRIC_PROCESS_DELETE,
                                     NULL, NULL, 0, face, sizeof face, &frame));
  ab_authx_frame_free(frame);
  unlink(path);
  ab_string_free(guid);
}

int main(void) {
  EXPECT_OK(ab_sandbox_start(&sb));
  char *url = NULL;
  EXPECT_OK(ab_sandbox_url(sb, "authx", &url));
  ab_test_command(sb, "{\"op\":\"authx.add_application\",\"application_id\":\"" APPLICATION_ID "\","
                      "\"application_key\":\"" APPLICATION_KEY "\"}");
  ab_test_command(sb, "{\"op\":\"authx.add_biometric_app\",\"application_key\":\"" BIOMETRIC_KEY "\","
                      "\"secret_key\":\"" BIOMETRIC_SECRET "\",\"host_name\":\"" HOST "\"}");
  ab_test_command(sb, "{\"op\":\"authx.set_token_lifetime\",\"lifetime_ms\":3600000}");

  ab_authx_config *config = NULL;
  EXPECT_OK(ab_authx_config_new(url, APPLICATION_ID, APPLICATION_KEY, &config));
  EXPECT_OK(ab_authx_config_set_biometric_app(config, BIOMETRIC_KEY, BIOMETRIC_SECRET, HOST));
  EXPECT_OK(ab_authx_config_set_options(config, 60000, NULL, 60000));
  ab_transport_config *transport = NULL;
  EXPECT_OK(ab_transport_config_new(&transport));
  EXPECT_OK(ab_authx_config_set_transport(config, transport));
  ab_transport_config_free(transport);
  EXPECT_OK(ab_authx_client_new(config, &client));
  ab_authx_config_free(config);
  config = NULL;
  EXPECT_OK(ab_authx_config_new_for_tenant("hu1tjtwu", APPLICATION_ID, APPLICATION_KEY, &config));
  ab_authx_config_free(config);
  EXPECT_STATUS(ab_authx_config_new_for_tenant("bad host!", APPLICATION_ID, APPLICATION_KEY, &config),
                AB_STATUS_INVALID_INPUT, "host code");

  users_and_pins();
  biometrics();

  ab_authx_client_free(client);
  ab_string_free(url);
  ab_sandbox_free(sb);
  if (abtest_failures()) return 1;
  printf("authx_test: ok\n");
  return 0;
}
