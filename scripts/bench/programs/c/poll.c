/*
 * A one-process "Hello, World!" server in C that does what webserver-poll does, step for step:
 * SO_REUSEADDR, listen(1024), a non-blocking listening socket and non-blocking connections,
 * all of them in one poll(); a ready listening socket is accept()ed and the connection added,
 * a ready connection has its request read (one recv of 1024 bytes), printed and answered, and is
 * closed and removed. No fork. Port: PORT in the environment (default 8888).
 *
 *   cc -O2 -o poll scripts/bench/programs/c/poll.c && PORT=8888 ./poll
 */
#include <fcntl.h>
#include <poll.h>

#include "hello.h"

static void set_nonblocking(int fd) {
  int flags = fcntl(fd, F_GETFL, 0);
  if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) die("fcntl");
}

int main(void) {
  int listen_socket = listening_socket();
  set_nonblocking(listen_socket);

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
