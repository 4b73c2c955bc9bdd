/**
 * 3h: the article's closing exercise, Part 2's WSGI server made concurrent the 3g way. One
 * server runs a plain application, a Hono one and an Express one unchanged (Part 2's lesson),
 * each request in a forked child; bad input is answered by the child and the parent keeps
 * accepting; a burst of clients leaves no zombies.
 */
import { children, cmdline, stat } from '../../../scripts/lib/procfs.js';
import { openConnection, rawRequest } from '../../../scripts/lib/clients.js';
import type { Launched } from '../../../scripts/lib/stage.js';
import { must } from '../../../scripts/lib/must.js';
import { type Context } from '../../../scripts/experiments/framework/context.js';
import { type Experiment, optionsOf } from '../../../scripts/experiments/framework/experiment.js';
import { countLines, outputSince, tidy } from '../../../scripts/experiments/framework/output.js';
import { observe, psChildrenShort } from '../../../scripts/experiments/framework/ps.js';
import { clientBurst, settle } from '../../../scripts/experiments/framework/sigchld.js';

export interface WsgiOptions {
  /** client3 --max-clients for the burst (default 64). */
  clients: number;
}

/** One application run by the server. */
export interface WsgiAppRun {
  /** module:callable, as given on the command line: 'honoapp:app' */
  app: string;
  /** 'a plain WSGI application', 'Hono', 'Express' ('its application' for a learner's server) */
  framework: string;
  /** The server's PID, and the script its node runs (the same for every application). */
  serverPid: number;
  script: string | null;
  /** What curl printed for GET /hello. */
  hello: string;
  /** What POST /echo answered, parsed (null when the application has no echo route, or the answer was not JSON). */
  echo: unknown;
  /** The server printed the request (`< GET /hello HTTP/1.1`) and the response (`> HTTP/1.1 200 OK`) a la curl -v. */
  printedRequest: boolean;
  printedResponse: boolean;
  /** The `Child N terminated with status S` line of the child that served GET /hello. */
  reapedLine: string | null;
  /** GET /hello got the application's text (any text, for a learner's server). */
  answered: boolean;
  /** The expected hello (and echo) came back, and the server printed and reaped as 3h does. */
  ok: boolean;
}

export interface WsgiOutcome {
  apps: WsgiAppRun[];
  /** GET /hello's body, by module:callable. */
  bodies: Record<string, string>;
  /** Every application answered as written, on the same server code. */
  frameworksOk: boolean;
  /** The body POSTed to /echo. */
  echoSent: string;
  /** A request that is not HTTP, sent to the server running Express. */
  badRequest: { request: string; response: string; closed: boolean; serverPrinted: string };
  /** Its status code (400). */
  badRequestStatus: number | null;
  /** The parent survived it (same PID, not a zombie)... */
  serverAliveAfterBadRequest: boolean;
  /** ...and the next request was answered. */
  servedAfterBadRequest: boolean;
  /** A client that connected and sent nothing did not keep curl from being answered. */
  concurrently: boolean;
  /** While that client was connected: the server's live children (1: its child); and the zombies once it had gone. */
  held: { children: number; zombiesAfter: number };
  /** client3 --max-clients N against the same server. */
  burst: {
    clients: number;
    /** Connections client3 made (the lines it printed). */
    connected: number;
    /** `Child N terminated` lines the parent printed for it. */
    reaped: number;
    /** Zombies once every child had exited and the server was back in accept(). */
    zombies: number;
  };
  /** Children of the server at the very end. */
  childrenAtEnd: number;
}

const ECHO_TEXT = 'some text';

const APPS = [
  {
    app: 'wsgiapp:app',
    framework: 'a plain WSGI application',
    hello: 'Hello world from a simple WSGI application!\n',
    echo: false,
  },
  { app: 'honoapp:app', framework: 'Hono', hello: 'Hello world from Hono!\n', echo: true },
  { app: 'expressapp:app', framework: 'Express', hello: 'Hello world from Express!\n', echo: true },
] as const;

/** `Child N terminated with status S` for a real child (not the `Child 0` line of a waitpid that found none exited). */
const REAPED = /^Child [1-9]\d* terminated with status \d+$/m;

/** What a learner's server (`pnpm check 3h --server ...`) runs: its command names its application. */
const THEIRS = { app: 'the server as given', framework: 'its application', hello: null, echo: false } as const;

/** An application to run: one of APPS, or a learner's server as given. */
type AppRun = (typeof APPS)[number] | typeof THEIRS;

/**
 * The `Child N terminated` line the parent printed since mark for the child that served a
 * request, or null: none came within 10 s, or the server has had no child for 1.5 s (an
 * iterative server, or one that reaps without a word).
 */
async function reapedSince(ctx: Context, stage: Launched, server: number, mark: number): Promise<string | null> {
  const started = Date.now();
  const line = await ctx
    .until(
      'the child to be reaped',
      () =>
        REAPED.exec(outputSince(stage, mark))?.[0] ??
        (children(server).length === 0 && Date.now() - started > 1_500 ? '' : undefined),
      10_000,
    )
    .catch(() => '');
  return line === '' ? null : line;
}

export const wsgi: Experiment<WsgiOutcome, WsgiOptions> = {
  name: 'wsgi',
  stage: 'webserver3h',
  summary:
    "Part 2's WSGI server made concurrent: a plain app, Hono and Express unchanged; 400 for bad input; no zombies",
  article: 'the concurrent server from Part 2 with the zombie fix',
  params: { clients: { description: 'client3 --max-clients for the burst', default: 64 } },
  async run(ctx, options = {}) {
    const { say } = ctx;
    const { clients } = optionsOf(wsgi, options);
    // pnpm check runs one application: the one its stage is given, or the learner's server as it is
    const target = ctx.target;
    const runs =
      target === undefined ? APPS : [APPS.find((a) => target.kind === 'stage' && a.app === target.args?.[0]) ?? THEIRS];
    say.title('wsgi: a concurrent WSGI server, webserver3h');
    const { apps, stage, server } = await serveApps(ctx, runs);
    const hello = apps.at(-1)?.hello;
    const input = await badInput(ctx, stage, server, hello);
    const { concurrently, held } = await heldClient(ctx, stage, server, hello);
    const burst = await clientsAtOnce(ctx, stage, server, clients);
    say.result(
      `Part 2's WSGI server, made concurrent the way the article made its own server: a ` +
        `child per connection, descriptors closed on both sides, and a waitpid(-1, WNOHANG) ` +
        `loop for SIGCHLD. It runs a plain application, a Hono one and an Express one ` +
        `unchanged, a bad request costs one child a 400, and a burst of clients leaves no zombies.`,
    );
    const bodies = Object.fromEntries(apps.map((a) => [a.app, a.hello]));
    return {
      apps,
      bodies,
      frameworksOk:
        apps.length === APPS.length && apps.every((a) => a.ok) && new Set(apps.map((a) => a.script)).size === 1,
      echoSent: ECHO_TEXT,
      ...input,
      concurrently,
      held,
      burst: burst.burst,
      childrenAtEnd: burst.childrenAtEnd,
    };
  },
};

/** Each application on the same server code, restarted with the next module:callable: GET /hello (and /echo). */
async function serveApps(
  ctx: Context,
  runs: readonly AppRun[],
): Promise<{ apps: WsgiAppRun[]; stage: Launched; server: number }> {
  const { say } = ctx;
  const apps: WsgiAppRun[] = [];
  let stage: Launched | null = null;
  let server = 0;
  for (const [i, app] of runs.entries()) {
    if (stage === null) {
      say.step(`Terminal 1: start the server with ${app.framework}`);
    } else {
      say.step(`Terminal 1: Ctrl-C, and the same server with ${app.framework}`);
      await stage.stop();
    }
    say.cmd(ctx.command('webserver3h', [app.app]));
    stage = await say.wait('starting', ctx.start('webserver3h', { args: [app.app] }));
    say.show(tidy(stage.output));
    server = stage.serverPid() ?? 0;
    const script = cmdline(server).find((a) => /webserver\w+\.js$/.test(a)) ?? null;

    say.step(`Terminal 2: ${app.echo ? 'the same request, and a body POSTed to its /echo route' : 'a request'}`);
    let mark = stage.output.length;
    say.cmd(`curl ${ctx.url}`);
    const hello = ctx.curl(10);
    await hello.done;
    say.show(hello.stdout);
    const reapedLine = await reapedSince(ctx, stage, server, mark);
    const helloPrint = outputSince(stage, mark);
    const printedRequest = /^< GET \/hello HTTP\/1\.1$/m.test(helloPrint);
    const printedResponse = /^> HTTP\/1\.1 200 OK$/m.test(helloPrint);

    let echo: unknown = null;
    let echoPrint = '';
    if (app.echo) {
      mark = stage.output.length;
      say.cmd(`curl --data-binary '${ECHO_TEXT}' http://localhost:${ctx.port}/echo`);
      const post = ctx.curl(10, '/echo', ['--data-binary', ECHO_TEXT]);
      await post.done;
      say.show(post.stdout);
      try {
        echo = JSON.parse(post.stdout);
      } catch {
        echo = null;
      }
      await reapedSince(ctx, stage, server, mark);
      echoPrint = outputSince(stage, mark);
    }

    if (i === 0) {
      say.step('Terminal 1: the child printed the request and the response a la curl -v; the parent reaped it');
      say.show(tidy(helloPrint, 30));
      say.note(
        reapedLine !== null && printedRequest && printedResponse
          ? `The parent (PID ${server}) accepted the connection and forked; the child read ` +
              `the whole request, built the environ, called the application with it and ` +
              `start_response, sent the response, printed both and exited. The last line is ` +
              `the parent's SIGCHLD handler, 3g's waitpid(-1, WNOHANG) loop, reaping it.`
          : `The server answered ${JSON.stringify(hello.stdout)}; it printed ` +
              `${printedRequest ? 'the request' : 'no request'} and ` +
              `${printedResponse ? 'the response' : 'no response'} a la curl -v, and ` +
              `${reapedLine ? `"${reapedLine}"` : 'no "Child N terminated" line'}.`,
      );
    } else {
      say.step('Terminal 1: the POST, as the server printed it');
      say.show(tidy(echoPrint, 30));
      say.note(
        `${app.framework} answered through the ` +
          `${app.framework === 'Hono' ? 'Fetch adapter (fromFetch)' : 'Node (req, res) adapter (fromNode)'}: ` +
          `the body went in as wsgi.input, and ${app.framework}'s own JSON came back. The ` +
          `server code is the same (${script ?? 'dist/src/webserver3h.js'}); only the module:callable changed.`,
      );
    }
    const answered = app.hello === null ? hello.stdout !== '' : hello.stdout === app.hello;
    const okEcho =
      !app.echo || (typeof echo === 'object' && echo !== null && (echo as { body?: unknown }).body === ECHO_TEXT);
    apps.push({
      app: app.app,
      framework: app.framework,
      serverPid: server,
      script,
      hello: hello.stdout,
      echo,
      printedRequest,
      printedResponse,
      reapedLine,
      answered,
      ok: answered && okEcho && printedRequest && printedResponse && reapedLine !== null,
    });
  }
  return { apps, stage: must(stage, 'a server started for the applications'), server };
}

/** A request that is not HTTP: a 4xx from the child (the project's own), and the parent still serving. */
async function badInput(
  ctx: Context,
  live: Launched,
  server: number,
  hello: string | undefined,
): Promise<
  Pick<WsgiOutcome, 'badRequest' | 'badRequestStatus' | 'serverAliveAfterBadRequest' | 'servedAfterBadRequest'>
> {
  const { say } = ctx;
  const alive = (): boolean => live.launcher.exitCode === null && stat(server) !== null && stat(server)?.state !== 'Z';
  // bad input: answered by the child, never reaching Express; the parent goes on
  say.step('Terminal 2: a request that is not HTTP');
  const bad = 'NOT HTTP AT ALL\r\n\r\n';
  say.cmd(`printf 'NOT HTTP AT ALL\\r\\n\\r\\n' | curl telnet://localhost:${ctx.port}`);
  let mark = live.output.length;
  ctx.throwIfStopped();
  const badAnswer = await rawRequest(ctx.port, bad, 10_000, { end: true });
  say.show(badAnswer.data.replace(/\r/g, ''));
  await reapedSince(ctx, live, server, mark);
  const badPrint = outputSince(live, mark);
  say.step('Terminal 1: what the server printed');
  say.show(tidy(badPrint, 20));
  const badRequestStatus = Number(/^HTTP\/1\.[01] (\d{3}) /.exec(badAnswer.data)?.[1] ?? NaN);
  const serverAliveAfterBadRequest = alive() && live.serverPid() === server;
  say.note(
    (badRequestStatus >= 400 && badRequestStatus < 500
      ? `The child found no request line it could parse and answered ` +
        `${badRequestStatus} itself: the application never saw it. `
      : 'unexpected: the answer was ' +
        (badAnswer.data === '' ? 'nothing' : JSON.stringify(badAnswer.data.slice(0, 40))) +
        ', not a 4xx. ') +
      `The parent (PID ${server}) ` +
      (serverAliveAfterBadRequest ? 'only accepted, forked and reaped, and is still serving' : 'is gone (unexpected)') +
      '.',
  );
  say.cmd(`curl ${ctx.url}`);
  mark = live.output.length;
  const after = ctx.curl(10);
  await after.done;
  say.show(after.stdout);
  const servedAfterBadRequest = serverAliveAfterBadRequest && after.stdout !== '' && after.stdout === hello;
  // its child's Child N line belongs here, not to the burst's count below
  await reapedSince(ctx, live, server, mark);
  return {
    badRequest: { request: bad, response: badAnswer.data, closed: badAnswer.closed, serverPrinted: badPrint },
    badRequestStatus: Number.isNaN(badRequestStatus) ? null : badRequestStatus,
    serverAliveAfterBadRequest,
    servedAfterBadRequest,
  };
}

/** A client that connects and sends nothing holds one child, not the server: curl is answered meanwhile. */
async function heldClient(
  ctx: Context,
  live: Launched,
  server: number,
  hello: string | undefined,
): Promise<{ concurrently: boolean; held: WsgiOutcome['held'] }> {
  const { say } = ctx;
  // concurrency: a client that connects and sends nothing holds one child, not the server
  say.step(`Terminal 2: curl telnet://localhost:${ctx.port}, typing nothing; Terminal 3: curl ${ctx.url}`);
  const held = await openConnection(ctx.port);
  ctx.defer(() => held.close());
  const meanwhile = ctx.curl(10);
  await ctx.until('the answer', () => meanwhile.firstByteAt !== null, 10_000).catch(() => undefined);
  const concurrently = meanwhile.firstByteAt !== null && meanwhile.stdout === hello;
  const childrenWhileHeld = children(server).filter((k) => stat(k)?.state !== 'Z').length;
  say.show(meanwhile.stdout);
  say.note(
    concurrently
      ? "curl was answered while Terminal 2's connection waits for its request: it holds a child, not the server."
      : 'unexpected: curl got no answer while another client was connected: the server serves one client at a time.',
  );
  held.close();
  await reapedSince(ctx, live, server, live.output.length);
  const zombiesAfter = await settle(ctx, server, 500);
  return { concurrently, held: { children: childrenWhileHeld, zombiesAfter } };
}

/** The article's test: a burst of clients, then no zombies. */
async function clientsAtOnce(
  ctx: Context,
  live: Launched,
  server: number,
  clients: number,
): Promise<{ burst: WsgiOutcome['burst']; childrenAtEnd: number }> {
  const { say } = ctx;
  let mark = live.output.length;
  // the article's test: a burst of clients, then no zombies
  const { connected, zombies } = await clientBurst(ctx, server, clients, () => {
    mark = live.output.length;
  });
  // the parent's lines come through a pipe: wait for them rather than read them once
  const reapedLines = (): number => countLines(outputSince(live, mark), REAPED);
  const reaped = await ctx
    .until('a Child N terminated line per connection', () => reapedLines() >= connected && reapedLines(), 5_000)
    .catch(reapedLines);
  say.cmd(`ps -o pid,ppid,stat,cmd --ppid ${server}`);
  say.show(psChildrenShort(server));
  say.note(
    `${connected} connections, ${reaped} "Child N terminated" lines from the parent` +
      (zombies === 0 ? ': no zombies.' : `; unexpected: ${zombies} zombie${zombies === 1 ? '' : 's'}.`),
  );
  const childrenAtEnd = children(server).length;
  say.cmd(`pnpm observe ${ctx.port}`);
  say.view(observe(server, 4));
  return { burst: { clients, connected, reaped, zombies }, childrenAtEnd };
}

export default wsgi;
