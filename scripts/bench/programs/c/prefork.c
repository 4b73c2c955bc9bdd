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
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define REQUEST_QUEUE_SIZE 1024

static volatile sig_atomic_t children = 0;

static void grim_reaper(int signum) {
  (void)signum;
  int saved = errno;
  while (waitpid(-1, NULL, WNOHANG) > 0) children--; /* the parent forks another one in its place */
  errno = saved;
}

static void die(const char *what) {
  perror(what);
  exit(1);
}

static void send_all(int fd, const char *data, size_t len) {
  while (len > 0) {
    ssize_t n = send(fd, data, len, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return;
    data += n;
    len -= (size_t)n;
  }
}

static void handle_request(int client) {
  char request[1024];
  ssize_t n = recv(client, request, sizeof request, 0);
  if (n > 0) {
    char line[sizeof request + 1];
    memcpy(line, request, (size_t)n);
    line[n] = '\n';
    if (write(STDOUT_FILENO, line, (size_t)n + 1) < 0) {
      /* stdout closed: nothing to do */
    }
  }
  static const char response[] = "HTTP/1.1 200 OK\n\nHello, World!\n";
  send_all(client, response, sizeof response - 1);
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
  const char *env = getenv("PORT");
  int port = env != NULL ? atoi(env) : 8888;
  const char *processes_env = getenv("LSBAWS_PROCESSES");
  int processes = processes_env != NULL ? atoi(processes_env) : 4;

  int listen_socket = socket(AF_INET, SOCK_STREAM, 0);
  if (listen_socket < 0) die("socket");
  int one = 1;
  if (setsockopt(listen_socket, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0) die("setsockopt");
  struct sockaddr_in address = {
    .sin_family = AF_INET,
    .sin_port = htons((unsigned short)port),
    .sin_addr = {htonl(INADDR_ANY)},
  };
  if (bind(listen_socket, (struct sockaddr *)&address, sizeof address) < 0) die("bind");
  if (listen(listen_socket, REQUEST_QUEUE_SIZE) < 0) die("listen");
  printf("Serving HTTP on port %d ...\n", port);
  fflush(stdout);

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
