/** What the re-check programs share: a wait status in words, and the list of what they expected. */
import { WEXITSTATUS, WIFEXITED, WIFSIGNALED, WTERMSIG, platform } from '@lsbaws/posix/fork-steps';

const signalNames = new Map(Object.entries(platform.signals).map(([name, num]) => [num, name]));

/** A wait(2) status as a sentence's end: "exited 0", "was killed by signal 11 (SIGSEGV)". */
export function describeStatus(status: number): string {
  if (WIFEXITED(status)) return `exited ${WEXITSTATUS(status)}`;
  if (WIFSIGNALED(status))
    return `was killed by signal ${WTERMSIG(status)} (${signalNames.get(WTERMSIG(status)) ?? '?'})`;
  return `changed state (status ${status})`;
}

/** Prints each observation as it is made, marked by whether it is what the page says. */
export class Checklist {
  private failed = 0;

  expect(ok: boolean, what: string): void {
    console.log(`${ok ? 'as the page says' : 'NOT as the page says'}: ${what}`);
    if (!ok) this.failed++;
  }

  /** Prints an observation the page reports but does not rely on (it differs between Node versions). */
  note(what: string): void {
    console.log(`seen: ${what}`);
  }

  /** The last line, and the exit code: 0 when everything was as expected. */
  done(): number {
    console.log(this.failed === 0 ? 'fact holds' : `fact does NOT hold here (${this.failed} observation(s) differ)`);
    return this.failed === 0 ? 0 : 1;
  }
}
