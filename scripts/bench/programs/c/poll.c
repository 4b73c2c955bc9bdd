/*
 * A one-process "Hello, World!" server in C that does what webserver-poll does, step for step:
 * SO_REUSEADDR, listen(1024), a non-blocking listening socket and non-blocking connections,
 * all of them in one poll(); a ready listening socket is accept()ed and the connection added,
 * a ready connection has its request read (one recv of 1024 bytes), printed and answered, and is
 * closed and removed. No fork. Port: PORT in the environment (default 8888).
 *
 *   cc -O2 -o poll scripts/bench/programs/c/poll.c && PORT=8888 ./poll
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
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

static void set_nonblocking(int fd) {
  int flags = fcntl(fd, F_GETFL, 0);
  if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) die("fcntl");
}

static void send_all(int fd, const char *data, size_t len) {
  while (len > 0) {
    ssize_t n = send(fd, data, len, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return; /* one client's error ends its connection, not the server */
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
  set_nonblocking(listen_socket);
  printf("Serving HTTP on port %d ...\n", port);
  fflush(stdout);

  size_t capacity = 64, count = 1;
  struct pollfd *fds = malloc(capacity * sizeof *fds);
  if (fds == NULL) die("malloc");
  fds[0] = (struct pollfd){.fd = listen_socket, .events = POLLIN};

  for (;;) {
    if (poll(fds, count, -1) < 0) { /* wait until one is ready */
      if (errno == EINTR) continue;
      die("poll");
    }
    size_t before = count;
    for (size_t i = before; i-- > 1;) { /* the connections, last first: removing one moves the last into i */
      if (fds[i].revents == 0) continue;
      handle_request(fds[i].fd); /* its request came */
      close(fds[i].fd);
      fds[i] = fds[--count];
    }
    if (fds[0].revents & POLLIN) { /* a new connection */
      int client = accept(listen_socket, NULL, NULL);
      if (client < 0) {
        if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED) die("accept");
        continue;
      }
      set_nonblocking(client);
      if (count == capacity) {
        struct pollfd *more = realloc(fds, 2 * capacity * sizeof *fds);
        if (more == NULL) die("realloc");
        fds = more;
        capacity *= 2;
      }
      fds[count++] = (struct pollfd){.fd = client, .events = POLLIN};
    }
  }
}
