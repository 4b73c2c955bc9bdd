/** The SIGCHLD handler of server.ts and loop.ts, as the stage's: waitpid(-1, WNOHANG) until nothing is left to reap. */
import { os } from '@lsbaws/posix';

export function grimReaper(): void {
  for (;;) {
    try {
      if (os.waitpid(-1, os.WNOHANG)[0] === 0) return;
    } catch {
      return; // ECHILD: no more children
    }
  }
}
