/*
 * What the bench's C servers share (server.c, prefork.c, poll.c): the listening socket as the
 * stages make it (SO_REUSEADDR, bind to PORT, listen(1024), the "Serving HTTP" line) and
 * webserver3g's handle_request (one recv of 1024 bytes, printed, then the response sent).
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define REQUEST_QUEUE_SIZE 1024

static void die(const char *what) {
  perror(what);
  exit(1);
}

/* socket, SO_REUSEADDR, bind to PORT (default 8888), listen, and the stages' first line */
static int listening_socket(void) {
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
  return listen_socket;
}

/* send(2) until all is sent; a client that has gone ends only its connection (no SIGPIPE) */
static void send_all(int fd, const char *data, size_t len) {
  while (len > 0) {
    ssize_t n = send(fd, data, len, MSG_NOSIGNAL);
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
