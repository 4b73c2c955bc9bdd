/*
 * The fork-per-connection loop of server.c as functions, so that other programs can run all of
 * it or part of it: server.c (all of it, in C), and the Node programs of the benchmark through
 * an FFI (the whole loop inside node, or only the child's work). Built as libserve.so.
 */
#ifndef LSBAWS_SERVE_H
#define LSBAWS_SERVE_H

/* sigaction(SIGCHLD) with a C handler that reaps with waitpid(-1, WNOHANG) in a loop; no SA_RESTART. */
int lsb_install_reaper(void);

/* The child's work: close the listening socket, one recv of 1024 bytes, write it and a newline to
   stdout, send the response, close, _exit(0). Never returns. */
void lsb_handle_child(int listen_socket, int client);

/* fork(); the child runs lsb_handle_child and never comes back. Returns the child's PID, or -1. */
int lsb_fork_child(int listen_socket, int client);

/* accept (restarted after EINTR), lsb_fork_child, close. Returns only on
   an error other than EINTR, with -1 and errno set. */
int lsb_serve_forever(int listen_socket);

#endif
