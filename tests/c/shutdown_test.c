/* ab_shutdown: no library thread outlives it, the next call starts the runtime again, it may
 * be called twice, and a forked child calls it (and the library) without touching the
 * parent's threads. Threads are counted in /proc/self/task. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "abtest.h"

static int thread_count(void) {
  DIR *dir = opendir("/proc/self/task");
  if (!dir) return -1;
  int n = 0;
  for (struct dirent *entry; (entry = readdir(dir));) {
    if (entry->d_name[0] != '.') n++;
  }
  closedir(dir);
  return n;
}

/* Whether only the main thread is left. ab_shutdown returns once every library thread has
 * finished its work; the kernel may list a finished thread in /proc/self/task a moment longer,
 * so a busy machine gets up to two seconds before a thread counts as left running. */
static int only_main_thread(void) {
  for (int tries = 0; tries < 200; tries++) {
    if (thread_count() == 1) return 1;
    struct timespec pause = {0, 10 * 1000 * 1000};
    nanosleep(&pause, NULL);
  }
  return 0;
}

/* A sandbox with one nevisIDM user and one right-password login against it. */
static void one_login(ab_sandbox **out_sandbox) {
  ab_sandbox *sb = NULL;
  EXPECT_OK(ab_sandbox_start(&sb));
  ab_test_command(sb, "{\"op\":\"nevis.add_client\",\"client_ext_id\":\"1000\",\"name\":\"Default\"}");
  ab_test_command(sb, "{\"op\":\"nevis.add_user\",\"client_ext_id\":\"1000\",\"user_ext_id\":\"alice\"}");
  ab_test_command(sb, "{\"op\":\"nevis.set_password\",\"client_ext_id\":\"1000\",\"user_ext_id\":\"alice\","
                      "\"password\":\"correct horse\"}");
  ab_nevis_client *client = ab_test_nevis_client(sb);
  ab_nevis_login_status status = AB_NEVIS_LOGIN_STATUS_NONE;
  EXPECT_OK(ab_nevis_password_login(client, "1000", "alice", "correct horse", &status, NULL));
  CHECK(status == AB_NEVIS_LOGIN_STATUS_OK, "login OK");
  ab_nevis_client_free(client);
  *out_sandbox = sb;
}

static void shutdown_ends_every_thread(void) {
  CHECK(thread_count() == 1, "no library thread before the first call");
  ab_sandbox *sb = NULL;
  one_login(&sb);
  CHECK(thread_count() > 1, "the runtime runs threads");
  ab_sandbox_free(sb);
  EXPECT_OK(ab_shutdown());
  CHECK(only_main_thread(), "no library thread after ab_shutdown");
  EXPECT_OK(ab_shutdown());

  /* the next call starts a new runtime */
  one_login(&sb);
  ab_sandbox_free(sb);
  EXPECT_OK(ab_shutdown());
  CHECK(only_main_thread(), "no library thread after the second ab_shutdown");
}

/* The child reports through a pipe rather than its exit status: under valgrind that status
 * also counts the runtime inherited from the parent, which the child leaks by design (its
 * threads do not exist there), as definitely lost. */
static void forked_child(void) {
  ab_sandbox *parent_sb = NULL;
  one_login(&parent_sb);
  int report[2];
  CHECK(pipe(report) == 0, "pipe");
  fflush(NULL);
  pid_t child = fork();
  if (child == 0) {
    /* The parent's runtime threads do not exist here: shutting it down must not wait for
     * them, and the library must work again in the child. */
    int ok = ab_shutdown() == AB_STATUS_OK && only_main_thread();
    ab_sandbox *sb = NULL;
    one_login(&sb);
    ab_sandbox_free(sb);
    ok = ok && ab_shutdown() == AB_STATUS_OK && only_main_thread() && abtest_failures() == 0;
    char verdict = ok ? 'y' : 'n';
    _exit(write(report[1], &verdict, 1) == 1 ? 0 : 1);
  }
  CHECK(child > 0, "fork");
  close(report[1]);
  char verdict = 0;
  CHECK(read(report[0], &verdict, 1) == 1 && verdict == 'y', "the child shut down its runtime and used the library");
  close(report[0]);
  CHECK(waitpid(child, NULL, 0) == child, "waitpid");
  CHECK(thread_count() > 1, "the parent's runtime still runs");
  ab_sandbox_free(parent_sb);
  EXPECT_OK(ab_shutdown());
  CHECK(only_main_thread(), "no library thread in the parent after ab_shutdown");
}

int main(void) {
  shutdown_ends_every_thread();
  forked_child();
  if (abtest_failures()) return 1;
  printf("shutdown_test: ok\n");
  return 0;
}
