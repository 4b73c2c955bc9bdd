/**
 * Part 2: one WSGI server runs a plain application, Hono and Express unchanged, one client at a
 * time; a request that is not HTTP gets a 400 and the server goes on.
 */
import { openConnection, rawRequest } from '../../../scripts/lib/clients.js';
import type { Launched } from '../../../scripts/lib/stage.js';
import type { Context } from '../../../scripts/experiments/framework/context.js';
import { type Experiment } from '../../../scripts/experiments/framework/experiment.js';
import { outputSince, tidy } from '../../../scripts/experiments/framework/output.js';

export interface FrameworksOutcome {
  /** GET /hello's body, by module:callable. */
  bodies: Record<string, string>;
  /** The server printed the request and the response a la curl -v. */
  printed: boolean;
  /** A second client, while the first one held the server without sending its request, got nothing... */
  secondWaited: boolean;
  /** ...and was answered once the first one had been. */
  secondAnswered: boolean;
  /** The status of a request that is not HTTP (400), and the answer to the next request. */
  badRequestStatus: number | null;
  servedAfterBadRequest: boolean;
  /** One process all along, no children. */
  samePid: boolean;
}

const APPS = [
  { app: 'wsgiapp:app', framework: 'a plain WSGI application', hello: 'Hello world from a simple WSGI application!\n' },
  { app: 'honoapp:app', framework: 'Hono', hello: 'Hello world from Hono!\n' },
  { app: 'expressapp:app', framework: 'Express', hello: 'Hello world from Express!\n' },
] as const;

export const frameworks: Experiment<FrameworksOutcome> = {
  name: 'frameworks',
  stage: 'webserver2',
  summary: 'Part 2: one WSGI server, three frameworks unchanged, one client at a time; 400 for bad input',
  article: 'Part 2: the WSGI server runs Pyramid, Flask and Django applications',
  async run(ctx) {
    const { say } = ctx;
    say.title('frameworks: the WSGI server of Part 2, webserver2');
    const { bodies, printed, stage } = await serveApps(ctx);
    const pid = stage.serverPid();
    const { secondWaited, secondAnswered } = await oneAtATime(ctx);
    const { badRequestStatus, servedAfterBadRequest } = await badInput(ctx, pid);
    say.result(
      'One WSGI server, three applications: the server does not change, only the module:callable does. ' +
        'It serves one client at a time; Part 3 makes it concurrent (pnpm diff 2 3h).',
    );
    return {
      bodies,
      printed,
      secondWaited,
      secondAnswered,
      badRequestStatus: Number.isNaN(badRequestStatus) ? null : badRequestStatus,
      servedAfterBadRequest,
      samePid: pid !== null && stage.serverPid() === pid,
    };
  },
};

/** The same server with each application in turn: GET /hello, and the first one's print a la curl -v. */
async function serveApps(ctx: Context): Promise<{ bodies: Record<string, string>; printed: boolean; stage: Launched }> {
  const { say } = ctx;
  const bodies: Record<string, string> = {};
  let stage: Launched | null = null;
  let printed = false;
  for (const [i, app] of APPS.entries()) {
    if (stage === null) say.step(`Terminal 1: start the server with ${app.framework}`);
    else {
      say.step(`Terminal 1: Ctrl-C, and the same server with ${app.framework}`);
      await stage.stop();
    }
    say.cmd(`${ctx.portEnv}pnpm --filter webserver2 start -- ${app.app}`);
    stage = await say.wait('starting', ctx.start('webserver2', { args: [app.app] }));
    say.show(tidy(stage.output));
    say.step('Terminal 2: a request');
    const mark = stage.output.length;
    say.cmd(`curl ${ctx.url}`);
    const c = ctx.curl(10);
    await c.done;
    say.show(c.stdout);
    bodies[app.app] = c.stdout;
    if (i === 0) {
      const live = stage;
      await ctx
        .until('the server to print the response', () => /^> Hello/m.test(outputSince(live, mark)), 10_000)
        .catch(() => undefined);
      const print = outputSince(stage, mark);
      printed = /^< GET \/hello HTTP\/1\.1$/m.test(print) && /^> HTTP\/1\.1 200 OK$/m.test(print);
      say.step('Terminal 1: the server printed the request and the response a la curl -v');
      say.show(tidy(print, 30));
      say.note(
        'The server read the request, built the environ, called the application with it and start_response, ' +
          "then sent the status line, the headers (the application's, and the server's Date, Server, " +
          'Content-Length and Connection) and the body.',
      );
    }
  }
  if (stage === null) throw new Error('no server was started');
  return { bodies, printed, stage };
}

/** A client that connects and sends nothing holds the server: the second waits until the first is answered. */
async function oneAtATime(ctx: Context): Promise<{ secondWaited: boolean; secondAnswered: boolean }> {
  const { say } = ctx;
  say.step('Terminal 2: a client that connects and sends nothing yet, and a second one behind it');
  say.cmd(`curl telnet://localhost:${ctx.port}        # (types nothing for now)`);
  const first = await openConnection(ctx.port);
  ctx.defer(() => first.close());
  say.cmd(`curl ${ctx.url}                # Terminal 3`);
  const second = ctx.curl(60);
  await ctx.pause(1500);
  const secondWaited = second.firstByteAt === null;
  say.note(
    secondWaited
      ? "The second curl gets nothing: the server is in recv(), waiting for the first client's request, and " +
          'the second connection waits in the listen queue.'
      : 'Unexpected: the second curl was answered while the first client held the server.',
  );
  say.step('Terminal 2: type the first request, GET /hello HTTP/1.0, and Enter twice; Terminal 3 is answered next');
  first.send('GET /hello HTTP/1.0\r\n\r\n');
  await ctx.until('the first client to be answered', () => first.ended, 30_000).catch(() => undefined);
  await second.done;
  say.show(second.stdout);
  const secondAnswered = second.stdout === APPS[2].hello;
  say.note('Once the first client had its answer, the server accepted the second one: one client at a time.');
  return { secondWaited, secondAnswered };
}

/** A request that is not HTTP: a 400, and the same process goes on serving. */
async function badInput(
  ctx: Context,
  pid: number | null,
): Promise<{ badRequestStatus: number; servedAfterBadRequest: boolean }> {
  const { say } = ctx;
  say.step('Terminal 2: a request that is not HTTP');
  say.cmd(`printf 'NOT HTTP AT ALL\\r\\n\\r\\n' | curl telnet://localhost:${ctx.port}`);
  const bad = await rawRequest(ctx.port, 'NOT HTTP AT ALL\r\n\r\n', 10_000);
  say.show(bad.data.replace(/\r/g, ''));
  const badRequestStatus = Number(/^HTTP\/1\.[01] (\d{3}) /.exec(bad.data)?.[1] ?? NaN);
  say.cmd(`curl ${ctx.url}`);
  const after = ctx.curl(10);
  await after.done;
  say.show(after.stdout);
  const servedAfterBadRequest = after.stdout === APPS[2].hello;
  say.note(
    `The server answered ${badRequestStatus} itself (Express never saw the request) and went on serving, ` +
      `in the same process (PID ${pid}).`,
  );
  return { badRequestStatus, servedAfterBadRequest };
}

export default frameworks;
