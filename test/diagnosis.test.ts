// The diagnosis table (scripts/experiments/framework/diagnosis.ts): the measurements that tell
// the faults apart, on the figures the experiments measure (test/check-faults.test.ts runs the
// servers that have them).
import t from 'tap';
import { diagnose, type Evidence, type Fault, FAULTS, overruled } from '../scripts/experiments/framework/diagnosis.js';

const ZOMBIE_FAULTS: Fault[] = ['no-fork', 'no-reaping', 'reaps-once'];

t.test('no reaping at all and reaping once per signal are told apart by one request and merged exits', async (t) => {
  const once = (zombiesAfterOne: number, left: number): Evidence => ({
    zombiesAfterOne,
    zombiesMerged: { exited: 10, left },
  });
  t.equal(diagnose(ZOMBIE_FAULTS, once(1, 10))?.fault, 'no-reaping');
  t.equal(diagnose(ZOMBIE_FAULTS, once(0, 9))?.fault, 'reaps-once');
  t.equal(
    diagnose(ZOMBIE_FAULTS, { zombiesAfterOne: 0, zombiesMerged: { exited: 10, left: 0 } }),
    null,
    'none: no fix',
  );
  // a zombie after one request, but merged exits reaped: neither fault fits
  t.equal(diagnose(ZOMBIE_FAULTS, { zombiesAfterOne: 1, zombiesMerged: { exited: 10, left: 3 } }), null);
});

t.test('no fork: 0 children while clients waited overrules every line that names it', async (t) => {
  const e = { waiting: { clients: 10, children: 0 }, zombiesAfterOne: 0, zombiesMerged: { exited: 0, left: 0 } };
  const d = diagnose(ZOMBIE_FAULTS, e);
  t.equal(d?.fault, 'no-fork');
  t.equal(d?.name, 'no fork: 0 children while 10 clients waited, the server handles each itself');
  t.ok(overruled(['eintr', 'no-fork'], e), 'a line that held (no SIGCHLD to survive) fails');
  t.notOk(overruled(['eintr', 'no-fork'], { waiting: { clients: 10, children: 10 } }));
  t.notOk(overruled(['no-reaping'], e), 'only a line that names it');
});

t.test('what it died of, in its own words, is the fault', async (t) => {
  const died: Fault[] = ['eintr', 'emfile', 'eagain', 'crash-unread'];
  t.equal(diagnose(died, { diedOf: 'EINTR' })?.fault, 'eintr');
  t.equal(diagnose(died, { diedOf: 'EMFILE' })?.fault, 'emfile');
  t.equal(diagnose(died, { diedOf: 'EAGAIN' })?.fault, 'eagain');
  t.equal(diagnose(died, { diedOf: null })?.fault, 'crash-unread');
  t.equal(diagnose(died, {}), null, 'it did not die');
  // 3d expects EMFILE: a server still running lacks the fault; one that died of another errno fits neither
  t.equal(diagnose(['crash-unread', 'survives-emfile'], {})?.fault, 'survives-emfile');
  t.equal(diagnose(['crash-unread', 'survives-emfile'], { diedOf: 'EAGAIN' }), null);
});

t.test('a fault with no measurement of its own is its line failing; a runtime is neither', async (t) => {
  t.equal(diagnose(['no-fork', 'wrong-answer'], {})?.fault, 'wrong-answer');
  const d = diagnose(['runtime-restarts-accept', 'restarts-accept'], { restartingRuntime: 'Python 3 (PEP 475)' });
  t.equal(d?.runtime, true);
  t.match(d?.name ?? '', /^not the program's doing: Python 3 \(PEP 475\) retries accept\(\)/);
  t.equal(diagnose(['runtime-restarts-accept', 'restarts-accept'], {})?.fault, 'restarts-accept');
});

t.test('every fault has a name and a fix', async (t) => {
  for (const [fault, entry] of Object.entries(FAULTS)) {
    t.ok(entry.name.length > 0 && entry.fix.length > 0, fault);
  }
});
