/* The loop of server.c, as functions (serve.h says what each does). */
#include "serve.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

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
