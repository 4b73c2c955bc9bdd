/*
 * A fork-per-connection "Hello, World!" server in C that does what webserver3g does, step for
 * step: SO_REUSEADDR, listen(1024), a SIGCHLD handler that reaps with waitpid(-1, WNOHANG) in a
 * loop, accept() restarted after EINTR, fork(); the child closes the listening socket, reads
 * the request (one recv of 1024 bytes), prints it, sends the response, closes and _exit(0)s;
 * the parent closes its copy. The benchmark's floor: what fork per connection costs without a
 * language runtime. Port: PORT in the environment (default 8888).
 *
 *   cc -O2 -o server scripts/bench/programs/c/server.c scripts/bench/programs/c/serve.c && PORT=8888 ./server
 */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "serve.h"

#define REQUEST_QUEUE_SIZE 1024

static void die(const char *what) {
  perror(what);
  exit(1);
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

  if (lsb_install_reaper() < 0) die("sigaction");
  lsb_serve_forever(listen_socket);
  die("accept");
}
