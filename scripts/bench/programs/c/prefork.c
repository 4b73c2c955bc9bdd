/*
 * A pre-forked "Hello, World!" server in C that does what webserver-prefork does, step for
 * step: SO_REUSEADDR, listen(1024), then PROCESSES children (4, or LSBAWS_PROCESSES) forked
 * before the first client, each looping on accept() of the shared listening socket, reading the
 * request (one recv of 1024 bytes), printing it, sending the response and closing. The parent
 * accepts nothing: its SIGCHLD handler reaps with waitpid(-1, WNOHANG) in a loop, and the parent
 * forks a child in place of each one reaped. Port: PORT in the environment (default 8888).
 *
 *   cc -O2 -o prefork scripts/bench/programs/c/prefork.c && PORT=8888 ./prefork
 */
#include <signal.h>
#include <sys/wait.h>

#include "hello.h"

static volatile sig_atomic_t children = 0;

static void grim_reaper(int signum) {
  (void)signum;
  int saved = errno;
  while (waitpid(-1, NULL, WNOHANG) > 0) children--; /* the parent forks another one in its place */
  errno = saved;
}

static void serve_clients(int listen_socket) {
  for (;;) {
    int client = accept(listen_socket, NULL, NULL);
    if (client < 0) {
      if (errno == EINTR) continue; /* restart 'accept' if it was interrupted */
      die("accept");
    }
    handle_request(client);
    close(client);
  }
}

int main(void) {
  const char *processes_env = getenv("LSBAWS_PROCESSES");
  int processes = processes_env != NULL ? atoi(processes_env) : 4;
  int listen_socket = listening_socket();

  struct sigaction action = {.sa_handler = grim_reaper};
  sigemptyset(&action.sa_mask);
  if (sigaction(SIGCHLD, &action, NULL) < 0) die("sigaction");

  /* SIGCHLD is blocked except inside sigsuspend(): no child can die unnoticed between the count and the wait */
  sigset_t chld, waiting;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  if (sigprocmask(SIG_BLOCK, &chld, &waiting) < 0) die("sigprocmask");
  for (;;) {
    while (children < processes) {
      pid_t pid = fork();
      if (pid < 0) die("fork");
      if (pid == 0) { /* child */
        sigprocmask(SIG_SETMASK, &waiting, NULL);
        serve_clients(listen_socket); /* accept and serve, for ever */
      }
      children++; /* parent */
    }
    sigsuspend(&waiting); /* until a handler has run: a child died */
  }
}
