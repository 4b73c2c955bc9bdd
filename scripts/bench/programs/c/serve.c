/* The loop of server.c, as functions (serve.h says what each does); handle_request is hello.h's. */
#include <signal.h>
#include <sys/wait.h>

#pragma GCC diagnostic ignored "-Wunused-function" /* hello.h is shared: each file uses part of it */
#include "hello.h"
#include "serve.h"

static void grim_reaper(int signum) {
  (void)signum;
  int saved = errno;
  while (waitpid(-1, NULL, WNOHANG) > 0) {
  }
  errno = saved;
}

int lsb_install_reaper(void) {
  struct sigaction action = {.sa_handler = grim_reaper}; /* no SA_RESTART: accept fails with EINTR */
  sigemptyset(&action.sa_mask);
  return sigaction(SIGCHLD, &action, NULL);
}

void lsb_handle_child(int listen_socket, int client) {
  close(listen_socket);
  handle_request(client);
  close(client);
  _exit(0);
}

int lsb_fork_child(int listen_socket, int client) {
  pid_t pid = fork();
  if (pid == 0) lsb_handle_child(listen_socket, client); /* child */
  return pid;
}

int lsb_serve_forever(int listen_socket) {
  for (;;) {
    int client = accept(listen_socket, NULL, NULL);
    if (client < 0) {
      if (errno == EINTR) continue; /* restart 'accept' if it was interrupted */
      return -1;
    }
    if (lsb_fork_child(listen_socket, client) < 0) return -1;
    close(client); /* parent: close its copy and loop over */
  }
}
