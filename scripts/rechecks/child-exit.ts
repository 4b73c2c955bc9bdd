/**
 * Re-checks docs/fork-in-node.md, fact 6: a forked child that leaves the way a Node program
 * usually does (process.exit, the end of the program, an uncaught exception) dies of SIGSEGV
 * in Node's own exit, which joins libuv's threadpool threads the child does not have; os.fork() makes such a
 * child leave through _exit(2) instead, with the same exit code. _exit itself, what the
 * stages' children call, was always fine.
 *
 *   node scripts/rechecks/dist/child-exit.js
 *
 * Runs itself once per way out, with the child as os.fork() makes it and with its exit hook
 * removed (what a child was before), and prints each child's wait status.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Checklist, describeStatus } from './report.js';
import { fork, kill, sleep, waitpid, WNOHANG, _exit } from '@lsbaws/posix/fork-steps';

const WAYS_OUT = {
  'an uncaught exception': { expected: 'exited 1' },
  'process.exit(3)': { expected: 'exited 3' },
  'the end of the program': { expected: 'exited 0' },
  '_exit(0)': { expected: 'exited 0' },
};
type WayOut = keyof typeof WAYS_OUT;

if (process.argv[2] === 'probe') {
  const way = process.argv[3] as WayOut;
  const pid = fork();
  if (pid === 0) {
    if (process.argv[4] === 'without-hook')
      process.removeAllListeners('exit').removeAllListeners('uncaughtExceptionMonitor');
    if (way === 'an uncaught exception') throw new Error('thrown in the child');
    if (way === 'process.exit(3)') process.exit(3);
    if (way === '_exit(0)') _exit(0);
    // the end of the program: nothing more to run
  } else {
    // a child that hangs in Node's exit (Node 26 does, at the end of the program) is killed after 10 s
    const deadline = Date.now() + 10_000;
    let [reaped, status] = waitpid(pid, WNOHANG);
    for (; reaped === 0 && Date.now() < deadline; [reaped, status] = waitpid(pid, WNOHANG)) sleep(0.01);
    if (reaped === 0) {
      kill(pid, 9);
      waitpid(pid, 0);
    }
    console.log(JSON.stringify(reaped === 0 ? { hung: true } : { status }));
  }
} else {
  const self = fileURLToPath(import.meta.url);
  const facts = new Checklist();
  for (const [way, { expected }] of Object.entries(WAYS_OUT)) {
    const said: Record<string, string> = {};
    for (const variant of ['without-hook', 'os.fork']) {
      const r = spawnSync(process.execPath, ['--single-threaded', self, 'probe', way, variant], {
        encoding: 'utf8',
        timeout: 60_000,
      });
      const status = /"status":(-?\d+)/.exec(r.stdout)?.[1];
      said[variant] = r.stdout.includes('"hung":true')
        ? "hung in Node's exit (killed after 10 s)"
        : status === undefined
          ? `gave no status (${r.stderr.trim().split('\n').pop()})`
          : describeStatus(Number(status));
    }
    // without the hook, a child that does not _exit itself dies in Node's exit (SIGSEGV up to Node 24;
    // on Node 26 the end of the program hangs there instead): anything but the clean exit shows the fact
    const withoutHookFails = way === '_exit(0)' ? said['without-hook'] === expected : said['without-hook'] !== expected;
    facts.expect(
      withoutHookFails && said['os.fork'] === expected,
      `a child that ends with ${way}: without the exit hook it ` +
        `${said['without-hook']}; from os.fork() it ${said['os.fork']}`,
    );
  }
  process.exitCode = facts.done();
}
