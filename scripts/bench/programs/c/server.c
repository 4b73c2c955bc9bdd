/*
 * A fork-per-connection "Hello, World!" server in C that does what webserver3g does, step for
 * step: SO_REUSEADDR, listen(1024), a SIGCHLD handler that reaps with waitpid(-1, WNOHANG) in a
 * loop, accept() restarted after EINTR, fork(); the child closes the listening socket, reads
 * the request (one recv of 1024 bytes), prints it, sends the response, closes and _exit(0)s;
 * the parent closes its copy. The benchmark's floor: what fork per connection costs without a
 * language runtime. Port: PORT in the environment (default 8888).
 *
 * The parts the bench's C servers share are in hello.h; the loop itself is serve.c's (which the
 * bench also builds into libserve.so, to run it inside node).
 *
 *   cc -O2 -o server scripts/bench/programs/c/server.c scripts/bench/programs/c/serve.c && PORT=8888 ./server
 */
#pragma GCC diagnostic ignored "-Wunused-function" /* hello.h is shared: each file uses part of it */
#include "hello.h"
#include "serve.h"

int main(void) {
  int listen_socket = listening_socket();
  if (lsb_install_reaper() < 0) die("sigaction");
  lsb_serve_forever(listen_socket);
  die("accept");
}
