/*
 * A fork-per-connection "Hello, World!" server in C that does what webserver3g does, step for
 * step: SO_REUSEADDR, listen(1024), a SIGCHLD handler that reaps with waitpid(-1, WNOHANG) in a
 * loop, accept() restarted after EINTR, fork(); the child closes the listening socket, reads
 * the request (one recv of 1024 bytes), prints it, sends the response, closes and _exit(0)s;
 * the parent closes its copy. The benchmark's floor: what fork per connection costs without a
 * language runtime. Port: PORT in the environment (default 8888).
 *
 *   cc -O2 -o server scripts/bench/programs/c/server.c && PORT=8888 ./server
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

static void grim_reaper(int signum) {
  (void)signum;
  int saved = errno;
  while (waitpid(-1, NULL, WNOHANG) > 0) {
  }
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
    /* print(request.decode()): the request and a newline, in one write */
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

int main(void) {
  const char *env = getenv("PORT");
  int port = env != NULL ? atoi(env) : 8888;

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
