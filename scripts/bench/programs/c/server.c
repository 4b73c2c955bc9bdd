/*
 * A fork-per-connection "Hello, World!" server in C that does what webserver3g does, step for
 * step: SO_REUSEADDR, listen(1024), a SIGCHLD handler that reaps with waitpid(-1, WNOHANG) in a
 * loop, accept() restarted after EINTR, fork(); the child closes the listening socket, reads
 * the request (one recv of 1024 bytes), prints it, sends the response, closes and _exit(0)s;
 * the parent closes its copy. The benchmark's floor: what fork per connection costs without a
 * language runtime. Port: PORT in the environment (default 8888).
 *
 * The parts the bench's C servers share are in hello.h.
 *
 *   cc -O2 -o server scripts/bench/programs/c/server.c && PORT=8888 ./server
 */
#include <signal.h>
#include <sys/wait.h>

#include "hello.h"

static void grim_reaper(int signum) {
  (void)signum;
  int saved = errno;
  while (waitpid(-1, NULL, WNOHANG) > 0) {
  }
  errno = saved;
}

int main(void) {
  int listen_socket = listening_socket();

  struct sigaction action = {.sa_handler = grim_reaper}; /* no SA_RESTART: accept fails with EINTR */
  sigemptyset(&action.sa_mask);
  if (sigaction(SIGCHLD, &action, NULL) < 0) die("sigaction");

  for (;;) {
    int client = accept(listen_socket, NULL, NULL);
    if (client < 0) {
      if (errno == EINTR) continue; /* restart 'accept' if it was interrupted */
      die("accept");
    }
    pid_t pid = fork();
    if (pid < 0) die("fork");
    if (pid == 0) { /* child */
      close(listen_socket);
      handle_request(client);
      close(client);
      _exit(0);
    }
    close(client); /* parent: close its copy and loop over */
  }
}
