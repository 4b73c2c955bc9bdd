/*
 * fork() + _exit(0) + waitpid() in a loop, the C reference for the benchmark's fork latency:
 * prints one JSON line with the median, the 10th and 90th percentiles in microseconds.
 *
 *   cc -O2 -o forkbench scripts/bench/programs/c/forkbench.c && ./forkbench 2000
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int compare(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 2000;
  if (n < 1) n = 1;
  double *us = malloc(sizeof *us * (size_t)n);
  if (us == NULL) return 1;
  for (int i = 0; i < n; i++) {
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t pid = fork();
    if (pid < 0) {
      perror("fork");
      return 1;
    }
    if (pid == 0) _exit(0);
    if (waitpid(pid, NULL, 0) < 0) {
      perror("waitpid");
      return 1;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    us[i] = (double)(t1.tv_sec - t0.tv_sec) * 1e6 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e3;
  }
  qsort(us, (size_t)n, sizeof *us, compare);
  printf("{\"iterations\":%d,\"medianUs\":%.1f,\"p10Us\":%.1f,\"p90Us\":%.1f}\n", n, us[n / 2], us[n / 10],
         us[n * 9 / 10]);
  free(us);
  return 0;
}
