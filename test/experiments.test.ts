// Every experiment of `pnpm experiment`, run for real: each test checks the outcome the
// article describes (the hanging client, the EMFILE/EAGAIN/EINTR crash, the zombies...).
import t from 'tap';
import { zombieCommand } from './fixture.js';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { freePort, ROOT } from '../scripts/lib/stage.js';
import { missingFromOutput, quotedBlock } from '../scripts/lib/quoted.js';
import { runExperiment } from '../scripts/experiments/framework/context.js';
import { type Experiment } from '../scripts/experiments/framework/experiment.js';
import { stageOfPackage, stages } from '../scripts/lib/stages.js';
import {
  frameworks,
  helloWorld,
  concurrent,
  eintr,
  experiments,
  findExperiment,
  iterative,
  noClose,
  noZombies,
  outOfDescriptors,
  outOfProcesses,
  sleeping,
  wsgi,
  zombies,
  zombiesAgain,
} from '../scripts/experiments/index.js';

/** Runs an experiment on a free port; its narration goes to the test's log only when LSBAWS_NARRATE is set. */
async function run<O, P>(experiment: Experiment<O, P>, params?: Partial<P>): Promise<O> {
  return runExperiment(experiment, {
    port: await freePort(),
    params,
    out: process.env.LSBAWS_NARRATE ? process.stderr : undefined,
  });
}

t.test('pnpm experiment lists every experiment on one line each, and refuses an unknown name', async (t) => {
  const tsx = join(ROOT, 'node_modules/.bin/tsx');
  const listed = spawnSync(tsx, ['scripts/experiment.ts'], { cwd: ROOT, encoding: 'utf8' });
  t.equal(listed.status, 0);
  for (const e of experiments)
    t.match(listed.stdout, new RegExp(`^  ${e.name} +${stageOfPackage(e.stage).stage}  \\S`, 'm'), e.name);
  // the registry's order: each experiment's stage is a stage of scripts/lib/stages.ts, in its order
  const order = stages().map((s) => s.package);
  const at = experiments.map((e) => order.indexOf(e.stage));
  t.notOk(at.includes(-1), `every experiment runs a stage of the registry: ${experiments.map((e) => e.stage)}`);
  t.same(
    at,
    [...at].sort((a, b) => a - b),
    'in the order of their stages',
  );
  t.same(
    experiments.filter((e) => e.stage === 'webserver3d').map((e) => e.name),
    ['no-close', 'out-of-descriptors', 'zombies', 'out-of-processes'],
    "a stage's experiments in the article's order",
  );
  for (const s of stages().filter((s) => s.article === null))
    t.ok(findExperiment(s.stage), `pnpm experiment ${s.stage} finds the experiment of a stage beyond the article`);
  const unknown = spawnSync(tsx, ['scripts/experiment.ts', 'no-such-thing'], { cwd: ROOT, encoding: 'utf8' });
  t.equal(unknown.status, 1);
  t.match(unknown.stderr, /No experiment called "no-such-thing"/);
  // each experiment's options, with their defaults, and errors in yargs' words
  const help = spawnSync(tsx, ['scripts/experiment.ts', 'sleeping', '--help'], { cwd: ROOT, encoding: 'utf8' });
  t.equal(help.status, 0);
  t.match(help.stdout, /--sleep +seconds the server sleeps after each answer[^\n]*\n?[^\n]*\[default: 10\]/);
  const typo = spawnSync(tsx, ['scripts/experiment.ts', 'sleeping', '--slep', '3'], { cwd: ROOT, encoding: 'utf8' });
  t.equal(typo.status, 1);
  t.match(typo.stderr, /Unknown argument: slep/);
  const notNumber = spawnSync(tsx, ['scripts/experiment.ts', 'zombies', '--requests', 'two'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  t.equal(notNumber.status, 1);
  t.match(notNumber.stderr, /--requests: a whole number, please/);
});

t.test('hello-world (1): Hello, World! to curl, to a request typed by hand and to anything', async (t) => {
  const o = await run(helloWorld);
  t.equal(o.response, 'Hello, World!\n');
  t.equal(o.serverPrinted, 'GET /hello HTTP/1.1', 'the server printed the request');
  t.equal(o.byHand, 'HTTP/1.1 200 OK\n\nHello, World!\n', "the article's telnet request");
  t.equal(o.anything, o.byHand, 'the same answer to anything');
  t.equal(o.processes, 1, 'one process');
});

t.test('frameworks (2): three applications on one WSGI server, one client at a time; 400 for bad input', async (t) => {
  const o = await run(frameworks);
  t.same(o.bodies, {
    'wsgiapp:app': 'Hello world from a simple WSGI application!\n',
    'honoapp:app': 'Hello world from Hono!\n',
    'expressapp:app': 'Hello world from Express!\n',
  });
  t.ok(o.printed, 'the request and the response printed a la curl -v');
  t.ok(o.secondWaited, 'the second client waited while the first held the server');
  t.ok(o.secondAnswered, 'and was answered after it');
  t.equal(o.badRequestStatus, 400);
  t.ok(o.servedAfterBadRequest, 'the server went on serving');
  t.ok(o.samePid, 'in the same process');
});

t.test('iterative (3a): curl gets Hello, World! from a single process', async (t) => {
  const o = await run(iterative);
  t.equal(o.response, 'Hello, World!\n');
  t.ok(o.curlEnded, 'the server closed the connection, so curl ended');
  t.equal(o.serverPrinted, 'GET /hello HTTP/1.1', 'the server printed the request');
  t.equal(o.processes, 1, 'one process, no children');
});

t.test('sleeping (3b): the second curl is served only after the first one', async (t) => {
  const sleep = 3;
  const o = await run(sleeping, { sleep });
  const ms = sleep * 1000;
  t.equal(o.first.response, 'Hello, World!\n');
  t.ok(o.first.answerAt !== null && o.first.answerAt < 2000, `first answer at once (${o.first.answerAt} ms)`);
  t.ok(
    o.first.endedAt !== null && o.first.answerAt !== null && o.first.endedAt - o.first.answerAt >= ms - 300,
    `first curl ended only after the sleep (${o.first.endedAt} ms)`,
  );
  t.equal(o.whileSleeping.requestsPrinted, 1, 'while it slept, the server had printed one request only');
  t.equal(o.whileSleeping.queued, 1, 'the second connection waited in the listen queue');
  t.equal(o.whileSleeping.serverBlockedIn, 'sleep', 'the server was blocked in sleep()');
  t.equal(o.whileSleeping.children, 0, 'no child process');
  t.equal(o.second.response, 'Hello, World!\n');
  t.ok(
    o.second.answerAt !== null && o.first.endedAt !== null && o.second.answerAt >= o.first.endedAt - 300,
    `second answer (${o.second.answerAt} ms) only when the first was done (${o.first.endedAt} ms)`,
  );
  t.ok(
    o.second.endedAt !== null && o.second.answerAt !== null && o.second.endedAt - o.second.answerAt >= ms - 300,
    'then the second curl hung for the sleep in turn',
  );
});

t.test(
  'concurrent (3c): two curls answered at once by two children; each connection held by its child only',
  async (t) => {
    const o = await run(concurrent);
    t.same(o.responses, ['Hello, World!\n', 'Hello, World!\n']);
    t.ok(
      o.answerTimes.every((ms) => ms !== null && ms < 3000),
      `both answered at once: ${o.answerTimes.join(', ')} ms`,
    );
    t.equal(o.stillOpen, 2, 'both curls still wait: the children sleep 60 s');
    t.equal(o.children.length, 2, 'two children');
    t.equal(o.printedParentPid, o.serverPid, 'the server printed its own PID');
    t.same(o.printedChildren.map((c) => c.pid).sort(), [...o.children].sort(), 'each child printed its PID');
    t.ok(
      o.printedChildren.every((c) => c.ppid === o.serverPid),
      "and its parent's",
    );
    t.same(o.childStates, ['S', 'S'], 'sleeping');
    t.equal(o.connectionHolders.length, 2, 'two connections');
    for (const holders of o.connectionHolders) {
      t.equal(holders.length, 1, 'reference count 1: the parent closed its copy');
      const [holder] = holders;
      t.ok(holder !== undefined && o.children.includes(holder), 'the holder is a child');
    }
    t.equal(o.listeningHolders, 1, 'the children closed their copy of the listening socket');
  },
);

t.test(
  'no-close (3d): parent and child share the connection; after the child exits the client never sees the end',
  async (t) => {
    const o = await run(noClose);
    t.equal(o.beforeRequest.referenceCount, 2, 'while the child waits: two descriptors on the connection');
    t.equal(o.beforeRequest.holders.length, 2, 'in two processes');
    t.equal(o.beforeRequest.childBlockedIn, 'recv', 'the child waits in recv()');
    t.match(o.afterRequest.received, /Hello, World!/, 'the child answered');
    t.equal(o.afterRequest.childState, 'Z', 'and exited (a zombie)');
    t.equal(o.afterRequest.referenceCount, 1, 'the parent still holds the connection');
    t.equal(o.afterRequest.clientSawEnd, false, 'so the client never got the end of the connection');
    t.equal(o.curl.response, 'Hello, World!\n', 'curl printed the answer');
    t.equal(o.curl.ended, false, 'and did not terminate');
    t.ok(o.curl.answerAt !== null && o.curl.answerAt < 2000, 'the answer itself came at once');
    t.same(o.serverPrinted, ['1', '2'], 'the server printed how many connections it keeps');
  },
);

t.test('out-of-descriptors (3d, ulimit -n 256, client3 --max-clients=300): accept() fails with EMFILE', async (t) => {
  const o = await run(outOfDescriptors);
  t.equal(o.crashed, 'EMFILE');
  t.equal(o.error, 'OSError: [Errno 24] Too many open files (accept)');
  t.ok(o.serverExited, 'the server died');
  t.ok(
    o.connectionsHeld > 200 && o.connectionsHeld < 256,
    `it held ${o.connectionsHeld} connections: 256 minus Node's own descriptors`,
  );
  t.ok(o.clientsConnected >= o.connectionsHeld, 'client3 connected at least as many');
  t.ok(o.clientsFailed > 0, 'the clients after the crash failed');
});

t.test('zombies (3d): the exited child stays a zombie, and kill -9 does not remove it', async (t) => {
  const o = await run(zombies);
  t.equal(o.zombies, 1, 'one zombie after one curl');
  // [node] on Node 20 and 22, [MainThread] on 24, [node-MainThread] on 26: the name of the main thread
  t.match(
    o.psLine ?? '',
    new RegExp(`^\\d+\\s+\\d+\\s+Z\\S*\\s+${zombieCommand()}$`),
    'ps shows it as Z [<main thread>] <defunct>',
  );
  t.ok(o.survivedKill9, 'still there after kill -9');
});

t.test('out-of-processes (3d, ulimit -u, client3 --max-clients=500): fork() fails with EAGAIN', async (t) => {
  // a uid of its own: processes of nobody (65534) that another test runs meanwhile would change the count
  const o = await run(outOfProcesses, { uid: 65533 });
  t.equal(o.crashed, 'EAGAIN');
  t.equal(o.error, 'OSError: [Errno 11] Resource temporarily unavailable (fork)');
  t.ok(o.serverExited, 'the server died');
  t.ok(o.serverThreads >= 1, `the server had ${o.serverThreads} threads`);
  t.equal(
    o.childrenForked,
    o.limit - o.userTasksBefore - o.serverThreads,
    'it forked children until threads + zombies reached the limit',
  );
  // sampled every 20 ms while the server lives: when it dies, init reaps what is left at once
  t.ok(o.maxZombiesSeen >= 1, `the children stayed zombies (${o.maxZombiesSeen} seen at once)`);
});

t.test('eintr (3e): the handler reaps the child, then accept() fails with EINTR', async (t) => {
  const o = await run(eintr);
  t.equal(o.response, 'Hello, World!\n');
  t.match(o.handlerLine ?? '', /^Child \d+ terminated with status 0$/, 'the handler waited for the child');
  t.ok(o.handlerRanFirst, 'before the exception');
  t.equal(o.crashed, 'EINTR');
  t.equal(o.error, 'OSError: [Errno 4] Interrupted system call (accept)');
  t.same(
    missingFromOutput(quotedBlock('packages/webserver3e/README.md', 'eintr'), o.output),
    [],
    'the trace packages/webserver3e/README.md quotes is the one a run prints (the lines it lacks, if not)',
  );
  t.ok(o.serverExited, 'the server died');
  t.ok(
    o.crashAfterAnswer !== null && o.crashAfterAnswer >= 2500 && o.crashAfterAnswer < 10_000,
    `when the child exited after its 3 s sleep (${o.crashAfterAnswer} ms)`,
  );
});

t.test('zombies-again (3f): no EINTR crash, but merged SIGCHLDs leave zombies', async (t) => {
  const o = await run(zombiesAgain, { connections: 10 });
  t.equal(o.curl.response, 'Hello, World!\n');
  t.ok(o.curl.serverAlive, 'accept() was restarted: the server survived the SIGCHLD');
  t.equal(o.curl.zombies, 0, 'one child, one signal, reaped');
  t.equal(o.article.connected, 128, 'client3 --max-clients 128 made 128 connections');
  // how many SIGCHLDs merge depends on timing; at least one handler run reaps one child
  t.comment(`client3 --max-clients 128 left ${o.article.zombies} zombies`);
  t.ok(
    Number.isInteger(o.article.zombies) && o.article.zombies >= 0 && o.article.zombies <= 127,
    `at most 127 zombies (${o.article.zombies})`,
  );
  t.equal(o.merged.answered, 10, 'the 10 children answered while the parent was stopped');
  t.equal(o.merged.zombiesWhileStopped, 10, 'and exited: 10 zombies');
  t.ok(o.merged.sigchldPending, 'and one pending SIGCHLD');
  t.equal(
    o.merged.zombiesLeft,
    9,
    'after SIGCONT, one handler run, one wait(): 9 are left, with no further connection',
  );
});

t.test('no-zombies (3g): no zombies, with 128 clients and with merged SIGCHLDs', async (t) => {
  const o = await run(noZombies, { connections: 10 });
  t.equal(o.curl.response, 'Hello, World!\n');
  t.ok(o.curl.serverAlive);
  t.equal(o.curl.zombies, 0);
  t.equal(o.article.connected, 128);
  t.equal(o.article.zombies, 0, 'no zombie after client3 --max-clients 128');
  t.equal(o.merged.answered, 10);
  t.equal(o.merged.zombiesWhileStopped, 10, 'the same 10 exits');
  t.ok(o.merged.sigchldPending, 'merged into one pending signal');
  t.equal(o.merged.zombiesLeft, 0, 'after SIGCONT the waitpid loop reaped them all, with no further connection');
});

t.test(
  'wsgi (3h): one concurrent server runs a plain app, Hono and Express unchanged; 400 for bad input; no zombies',
  async (t) => {
    const o = await run(wsgi, { clients: 64 });
    t.same(
      o.bodies,
      {
        'wsgiapp:app': 'Hello world from a simple WSGI application!\n',
        'honoapp:app': 'Hello world from Hono!\n',
        'expressapp:app': 'Hello world from Express!\n',
      },
      'each application answered GET /hello with its own text',
    );
    t.same(
      o.apps.map((a) => a.script),
      ['dist/src/webserver3h.js', 'dist/src/webserver3h.js', 'dist/src/webserver3h.js'],
      'the same server script each time',
    );
    t.equal(
      new Set(o.apps.map((a) => a.serverPid)).size,
      3,
      'three servers, one after the other (restarted with another module:callable)',
    );
    const echo = {
      method: 'POST',
      contentType: 'application/x-www-form-urlencoded',
      length: o.echoSent.length,
      body: o.echoSent,
    };
    t.same(
      o.apps.map((a) => a.echo),
      [null, echo, echo],
      'Hono and Express echoed the POSTed body',
    );
    for (const a of o.apps) {
      t.ok(
        a.printedRequest && a.printedResponse,
        `${a.framework}: the server printed the request and the response a la curl -v`,
      );
      t.match(
        a.reapedLine ?? '',
        /^Child [1-9]\d* terminated with status 0$/,
        `${a.framework}: the parent reaped the child`,
      );
    }
    t.ok(o.frameworksOk);
    t.equal(o.badRequestStatus, 400, 'a request that is not HTTP gets 400');
    t.match(
      o.badRequest.response,
      /^HTTP\/1\.1 400 Bad Request\r\n[\s\S]*\r\n\r\n400 Bad Request\nmalformed request line/,
      'with the reason',
    );
    t.ok(o.badRequest.closed, 'and the connection closed');
    t.match(
      o.badRequest.serverPrinted,
      /^Bad request from 127\.0\.0\.1:\d+: 400 Bad Request/m,
      'the child said so on stderr',
    );
    t.ok(o.serverAliveAfterBadRequest, 'the parent survived it');
    t.ok(o.servedAfterBadRequest, 'and answered the next request');
    t.equal(o.burst.connected, 64, 'client3 --max-clients 64 made 64 connections');
    t.equal(o.burst.reaped, 64, 'the parent printed a Child N terminated line for each');
    t.equal(o.burst.zombies, 0, 'no zombies after the burst');
    t.equal(o.childrenAtEnd, 0, 'no children left at all');
  },
);

/** Runs an experiment on a free port and returns its narration, as a learner reads it. */
async function narration<O, P>(
  experiment: Experiment<O, P>,
  params?: Partial<P>,
): Promise<{ text: string; port: number }> {
  let text = '';
  const port = await freePort();
  const out = { write: (chunk: string) => ((text += chunk), true) } as unknown as NodeJS.WritableStream;
  await runExperiment(experiment, { port, params, out: out as never });
  return { text, port };
}

t.test('the narrations: no nc, the port given, the sleep as set, nothing said to compile', async (t) => {
  const hello = await narration(helloWorld);
  t.match(hello.text, new RegExp(`typed by hand \\(telnet localhost ${hello.port},`), 'the telnet hint names the port');
  const it = await narration(iterative);
  t.match(it.text, new RegExp(`Terminal 2: curl telnet://localhost:${it.port}, and type nothing yet`));
  const c = await narration(concurrent, { clients: 2, sleep: 3 });
  t.match(c.text, /all sleeping \(S\) their 3 s \(the article's time\.sleep\(60\)\)/);
  for (const [name, text] of [
    ['hello-world', hello.text],
    ['iterative', it.text],
    ['concurrent', c.text],
  ]) {
    t.notMatch(text, /\bnc\b/, `${name}: no nc, which the test tools do not install`);
    t.notMatch(text, /compiling/, `${name}: nothing compiles`);
  }
});

t.test('a mistyped experiment gets a "did you mean"', async (t) => {
  const tsx = join(ROOT, 'node_modules/.bin/tsx');
  const typo = spawnSync(tsx, ['scripts/experiment.ts', 'sleping'], { cwd: ROOT, encoding: 'utf8' });
  t.equal(typo.status, 1);
  t.match(typo.stderr, /^No experiment called "sleping" \(did you mean "sleeping"\?\)\./);
  const port = spawnSync(tsx, ['scripts/experiment.ts', 'sleeping', '--port', 'abc'], { cwd: ROOT, encoding: 'utf8' });
  t.equal(port.status, 1);
  t.match(port.stderr, /--port: a port number \(0 to 65535\), please \(got "abc"\)/);
});
