// The headers compile as C++ (-Wall -Wextra -Werror) and link from a C++ program.
#include "authbridge.h"
#include "authbridge_sandbox.h"

#include <cstdio>
#include <cstring>

int main() {
  ab_cancel *cancel = nullptr;
  if (ab_cancel_new(&cancel) != AB_STATUS_OK) return 1;
  bool ok = !ab_cancel_is_cancelled(cancel) && ab_cancel_cancel(cancel) == AB_STATUS_OK &&
            ab_cancel_is_cancelled(cancel);
  ab_cancel_free(cancel);
  ab_status status = ab_cancel_cancel(nullptr);
  ok = ok && status == AB_STATUS_NULL_ARGUMENT && std::strcmp(ab_error_code(), "null_argument") == 0;
  ok = ok && std::strcmp(ab_version(), AB_VERSION) == 0;
  char *answer = nullptr;
  ok = ok && ab_sandbox_control(nullptr, "{}", &answer) == AB_STATUS_NULL_ARGUMENT && answer == nullptr;
  std::printf("cxx_include: %s\n", ok ? "ok" : "FAILED");
  return ok ? 0 : 1;
}
