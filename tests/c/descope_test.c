/* Descope through the C ABI, against the sandbox: nOTP starts with pending sessions waited on
 * with a deadline and cancellation, TOTP enrolment and verification with ab_totp codes, and
 * session validation with typed rejection reasons. */
#define _POSIX_C_SOURCE 200809L
#include <time.h>

#include "abtest.h"

static ab_sandbox *sb;
static ab_descope_client *client;

/* The project the stand-in's users belong to (a preset). */
static char *project;

static void notp(void) {
  char *user_id = ab_test_control_text(sb, "{\"op\":\"descope.add_user\",\"login_id\":\"+15550001\"}");
  ab_descope_notp_start start;
  memset(&start, 0, sizeof start);
  EXPECT_OK(ab_descope_notp_sign_in(client, "+15550001", NULL, &start));
  CHECK(start.pending_ref && start.image && start.image[0] && start.redirect_url, "pending ref, QR code, link");
  CHECK(ab_test_control_count(sb, "{\"op\":\"descope.waiting_logins\"}") == 1, "one login waits for the person");

  bool ready = true;
  ab_descope_session session;
  memset(&session, 0, sizeof session);
  EXPECT_OK(ab_descope_notp_pending_session(client, start.pending_ref, &ready, &session));
  CHECK(!ready && session.session_jwt == NULL, "pending: no session written");
  EXPECT_STATUS(ab_descope_wait_for_session(client, start.pending_ref, 1500, 1000, NULL, &session), AB_STATUS_TIMEOUT,
                "the deadline passes while nobody acts");

  ab_test_expect_answer(sb, "true", "{\"op\":\"descope.approve\",\"pending_ref\":\"%s\"}", start.pending_ref);
  EXPECT_OK(ab_descope_wait_for_session(client, start.pending_ref, 120000, 1000, NULL, &session));
  CHECK(session.session_jwt && session.session_jwt[0], "a session JWT");
  EXPECT_STR(session.user_id, user_id, "the user who signed in");
  EXPECT_STR(session.phone, "+15550001", "typed phone");
  CHECK(session.user_json && strstr(session.user_json, "\"loginIds\""), "the whole user as JSON");

  ab_descope_claims claims;
  memset(&claims, 0, sizeof claims);
  EXPECT_OK(ab_descope_validate_session(client, session.session_jwt, &claims));
  EXPECT_STR(claims.subject, user_id, "sub is the user");
  CHECK(claims.expires_at > (uint64_t)time(NULL), "not expired");
  ab_descope_claims_free(&claims);
  ab_descope_session_free(&session);
  ab_descope_session_free(&session);
  ab_descope_notp_start_free(&start);
  free(user_id);

  /* sign-up-or-in with login options, approved from another phone number */
  ab_descope_notp_options options;
  memset(&options, 0, sizeof options);
  options.login_options_json = "{\"customClaims\":{\"kiosk\":\"7\"}}";
  EXPECT_OK(ab_descope_notp_sign_up_or_in(client, "", &options, &start));
  ab_test_expect_answer(sb, "true", "{\"op\":\"descope.approve_as\",\"pending_ref\":\"%s\",\"phone\":\"+15550002\"}",
                        start.pending_ref);
  EXPECT_OK(ab_descope_wait_for_session(client, start.pending_ref, 120000, 1000, NULL, &session));
  EXPECT_OK(ab_descope_validate_session(client, session.session_jwt, &claims));
  CHECK(strstr(claims.claims_json, "\"kiosk\":\"7\""), "custom claims reach the session JWT");
  ab_descope_claims_free(&claims);
  ab_descope_session_free(&session);
  ab_descope_notp_start_free(&start);
  char *body = ab_test_control(sb, "{\"op\":\"descope.last_request_body\",\"route\":\"descope.notp_signup_in\"}");
  CHECK(body && strstr(body, "\"loginOptions\""), "loginOptions on the wire");
  ab_string_free(body);
  options.login_options_json = "{\"nope\":1}";
  EXPECT_STATUS(ab_descope_notp_sign_in(client, "+15550001", &options, &start), AB_STATUS_INVALID_INPUT,
                "unknown login option");

  /* sign-up, denied; sign-in, cancelled */
  ab_descope_user_details user;
  memset(&user, 0, sizeof user);
  user.name = "Dana";
  user.email = "dana@example.com";
  EXPECT_OK(ab_descope_notp_sign_up(client, "+15550003", &user, NULL, &start));
  ab_test_expect_answer(sb, "true", "{\"op\":\"descope.deny\",\"pending_ref\":\"%s\"}", start.pending_ref);
  CHECK(ab_descope_wait_for_session(client, start.pending_ref, 120000, 1000, NULL, &session) != AB_STATUS_OK,
        "a refused login ends the wait with its error");
  CHECK(ab_error_vendor_code() != NULL, "Descope's error code");
  ab_descope_notp_start_free(&start);
  EXPECT_OK(ab_descope_notp_sign_in(client, "+15550001", NULL, &start));
  ab_cancel *cancel = NULL;
  EXPECT_OK(ab_cancel_new(&cancel));
  EXPECT_OK(ab_cancel_cancel(cancel));
  EXPECT_STATUS(ab_descope_wait_for_session(client, start.pending_ref, 60000, 1000, cancel, &session),
                AB_STATUS_CANCELLED, "cancelled");
  ab_cancel_free(cancel);
  ab_test_expect_answer(sb, "true", "{\"op\":\"descope.expire\",\"pending_ref\":\"%s\"}", start.pending_ref);
  ab_test_expect_answer(sb, "false", "{\"op\":\"descope.expire\",\"pending_ref\":\"%s\"}", start.pending_ref);
  ab_descope_notp_start_free(&start);
}

static char *code_for(const char *key_or_uri) {
  ab_totp *totp = NULL;
  EXPECT_OK(ab_totp_new(key_or_uri, 0, 0, 0, &totp));
  char *code = NULL;
  uint64_t left = 0;
  EXPECT_OK(ab_totp_generate(totp, 0, &code, &left));
  CHECK(code && strlen(code) == 6 && left >= 1 && left <= 30, "a 6-digit code for the current step");
  ab_totp_free(totp);
  return code;
}

static void totp(void) {
  char *key = ab_test_control_text(sb, "{\"op\":\"descope.add_totp_user\",\"login_id\":\"alice@example.com\"}");
  char *code = code_for(key);
  ab_descope_session session;
  memset(&session, 0, sizeof session);
  EXPECT_OK(ab_descope_totp_verify(client, "alice@example.com", code, NULL, &session));
  CHECK(session.session_jwt != NULL, "signed in with a TOTP code");
  ab_descope_session_free(&session);
  code[5] = code[5] == '0' ? '1' : '0';
  EXPECT_STATUS(ab_descope_totp_verify(client, "alice@example.com", code, NULL, &session),
                AB_STATUS_AUTHENTICATION_FAILED, "a wrong code");
  CHECK(session.session_jwt == NULL, "nothing written");
  ab_string_free(code);
  free(key);

  /* enrol a new user, verify the first code, then rotate the key with the refresh JWT */
  ab_descope_user_details user;
  memset(&user, 0, sizeof user);
  user.given_name = "Bob";
  ab_descope_totp_enrollment enrollment;
  memset(&enrollment, 0, sizeof enrollment);
  EXPECT_OK(ab_descope_totp_sign_up(client, "bob@example.com", &user, &enrollment));
  CHECK(strncmp(enrollment.provisioning_url, "otpauth://totp/", 15) == 0 && enrollment.key && enrollment.image,
        "provisioning URL, key and QR code");
  code = code_for(enrollment.provisioning_url);
  ab_descope_totp_enrollment_free(&enrollment);
  EXPECT_OK(ab_descope_totp_verify(client, "bob@example.com", code, "{}", &session));
  ab_string_free(code);
  CHECK(session.refresh_jwt != NULL && session.first_seen, "a new user with a refresh JWT");
  EXPECT_OK(ab_descope_totp_update(client, "bob@example.com", session.refresh_jwt, &enrollment));
  code = code_for(enrollment.key);
  ab_descope_session stepped;
  memset(&stepped, 0, sizeof stepped);
  EXPECT_OK(ab_descope_totp_verify_for_session(client, "bob@example.com", code, "{\"stepup\":true}",
                                               session.refresh_jwt, &stepped));
  ab_descope_session_free(&stepped);
  ab_string_free(code);
  ab_descope_totp_enrollment_free(&enrollment);
  ab_descope_session_free(&session);

  ab_totp *bad = NULL;
  EXPECT_STATUS(ab_totp_new("not base32 !!", 0, 0, 0, &bad), AB_STATUS_INVALID_INPUT, "bad key");
  EXPECT_STATUS(ab_totp_new("JBSWY3DPEHPK3PXP", 0, 5, 0, &bad), AB_STATUS_INVALID_INPUT, "5 digits");
  CHECK(bad == NULL, "nothing written");
}

static void rejections_and_faults(void) {
  char *issuer = ab_test_control_text(sb, "{\"op\":\"descope.issuer\",\"project_id\":\"%s\"}", project);
  char *jwt = ab_test_control_text(sb, "{\"op\":\"descope.sign_jwt\",\"claims\":"
                                       "{\"sub\":\"U1\",\"iss\":\"%s\",\"iat\":1000,\"exp\":2000}}",
                                   issuer);
  ab_descope_claims claims;
  memset(&claims, 0, sizeof claims);
  EXPECT_STATUS(ab_descope_validate_session(client, jwt, &claims), AB_STATUS_AUTHENTICATION_FAILED, "an expired token");
  CHECK(ab_error_descope_session_rejection() == AB_DESCOPE_SESSION_REJECTION_EXPIRED, "typed rejection: expired");
  free(jwt);
  EXPECT_STATUS(ab_descope_validate_session(client, "not.a.jwt", &claims), AB_STATUS_AUTHENTICATION_FAILED, "garbage");
  CHECK(ab_error_descope_session_rejection() == AB_DESCOPE_SESSION_REJECTION_MALFORMED, "typed rejection: malformed");
  ab_error_clear();
  CHECK(ab_error_descope_session_rejection() == AB_DESCOPE_SESSION_REJECTION_NONE, "no rejection");
  char *kid = ab_test_control_text(sb, "{\"op\":\"descope.signing_kid\"}");
  ab_test_command(sb, "{\"op\":\"descope.rotate_signing_key\"}");
  char *rotated = ab_test_control_text(sb, "{\"op\":\"descope.signing_kid\"}");
  CHECK(kid && rotated && rotated[0] && strcmp(kid, rotated) != 0, "a new kid");
  free(kid);
  free(rotated);
  free(issuer);

  ab_descope_session session;
  memset(&session, 0, sizeof session);
  ab_test_command(sb, "{\"op\":\"descope.rate_limit\",\"route\":\"descope.totp_verify\",\"times\":1,\"retry_after\":120}");
  EXPECT_STATUS(ab_descope_totp_verify(client, "alice@example.com", "123456", NULL, &session), AB_STATUS_RATE_LIMITED,
                "rate limited");
  CHECK(ab_error_retry_after_ms() == 120000, "Retry-After");
  ab_test_command(sb, "{\"op\":\"descope.fail_next\",\"route\":\"descope.totp_verify\",\"status\":400,"
                      "\"error_code\":\"E011002\",\"times\":1}");
  CHECK(ab_descope_totp_verify(client, "alice@example.com", "123456", NULL, &session) != AB_STATUS_OK,
        "a forced Descope error");
  EXPECT_STR(ab_error_vendor_code(), "E011002", "Descope's errorCode");
  char *auth = ab_test_control_text(sb, "{\"op\":\"descope.last_authorization\"}");
  CHECK(auth && strncmp(auth, "Bearer ", 7) == 0, "bearer authorization");
  free(auth);
}

int main(void) {
  EXPECT_OK(ab_sandbox_start(&sb));
  char *url = NULL;
  EXPECT_OK(ab_sandbox_url(sb, "descope", &url));
  project = ab_test_preset(sb, "descope.PROJECT_ID");
  ab_test_command(sb, "{\"op\":\"descope.add_project\",\"project_id\":\"P2OtherProject\"}");
  ab_test_command(sb, "{\"op\":\"descope.add_notp_provider\",\"provider\":\"sms\"}");
  ab_test_command(sb, "{\"op\":\"descope.set_pending_ttl\",\"ttl_ms\":300000}");
  ab_test_command(sb, "{\"op\":\"descope.set_session_ttl\",\"ttl_ms\":600000}");
  ab_test_command(sb, "{\"op\":\"descope.set_refresh_in_cookie\",\"on\":false}");
  ab_test_command(sb, "{\"op\":\"descope.add_user\",\"login_id\":\"+15550009\"}");
  ab_test_command(sb, "{\"op\":\"descope.set_roles\",\"login_id\":\"+15550009\",\"roles\":[\"admin\"]}");
  ab_test_command(sb, "{\"op\":\"descope.set_tenant\",\"login_id\":\"+15550009\",\"tenant_id\":\"T1\","
                      "\"roles\":[\"admin\"]}");
  char *admin = ab_test_control(sb, "{\"op\":\"descope.user\",\"login_id\":\"+15550009\"}");
  CHECK(admin && strstr(admin, "\"roleNames\":[\"admin\"]"), "the user's project-wide roles");
  ab_string_free(admin);

  ab_descope_config *config = NULL;
  EXPECT_OK(ab_descope_config_new(project, &config));
  EXPECT_OK(ab_descope_config_set_base_url(config, url));
  EXPECT_OK(ab_descope_config_set_session_validation(config, 5000, 1000, NULL));
  ab_transport_config *transport = NULL;
  EXPECT_OK(ab_transport_config_new(&transport));
  /* Generous: under valgrind the stand-in's RSA signing of a first session takes seconds. */
  EXPECT_OK(ab_transport_config_set_timeouts(transport, 10000, 120000));
  EXPECT_OK(ab_descope_config_set_transport(config, transport));
  ab_transport_config_free(transport);
  EXPECT_OK(ab_descope_client_new(config, &client));
  ab_descope_config_free(config);

  notp();
  totp();
  rejections_and_faults();

  /* a management key the stand-in requires */
  ab_test_command(sb, "{\"op\":\"descope.require_management_key\",\"key\":\"mk-1\"}");
  EXPECT_OK(ab_descope_config_new(project, &config));
  EXPECT_OK(ab_descope_config_set_base_url(config, url));
  EXPECT_OK(ab_descope_config_set_management_key(config, "mk-1"));
  ab_descope_client *keyed = NULL;
  EXPECT_OK(ab_descope_client_new(config, &keyed));
  ab_descope_notp_start start;
  memset(&start, 0, sizeof start);
  EXPECT_OK(ab_descope_notp_sign_in(keyed, "+15550001", NULL, &start));
  ab_descope_notp_start_free(&start);
  ab_descope_client_free(keyed);
  ab_descope_config_free(config);

  ab_descope_client_free(client);
  free(project);
  ab_string_free(url);
  ab_sandbox_free(sb);
  if (abtest_failures()) return 1;
  printf("descope_test: ok\n");
  return 0;
}
