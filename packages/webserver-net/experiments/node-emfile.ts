/**
 * Beyond the article, webserver-net: on Node's own event loop there are no children, so no
 * zombies and no EINTR; but descriptors still run out (EMFILE), and libuv decides what happens.
 */
import { HELLO_REQUEST, curl } from '../../../scripts/lib/clients.js';
import { connectionsHeld, idleClients } from '../../../scripts/lib/connections.js';
import { children, fds, stat } from '../../../scripts/lib/procfs.js';
import { type Experiment, optionsOf } from '../../../scripts/experiments/framework/experiment.js';
import { crashOf, outputSince, tidy } from '../../../scripts/experiments/framework/output.js';

export interface NodeEmfileOptions {
  /** The open-files limit (ulimit -n), as in the article's 3d experiment but smaller. */
  limit: number;
  /** Clients that connect at once and send nothing yet. */
  clients: number;
}

export interface NodeEmfileOutcome {
  limit: number;
  clients: number;
  /** The server's children (none: one process). */
  children: number;
  descriptorsBefore: number;
  /** Once they had all connected: the connections the server held, its descriptors, and those below the limit. */
  held: number;
  descriptors: number;
  belowLimit: number;
  /** Clients whose connection the server closed without a byte (accepted and dropped at the limit). */
  dropped: number;
  /** Whether the server process was still there afterwards. */
  alive: boolean;
  /** What the server printed about it (its 'error' listener), if anything. */
  printedError: string | null;
  /** When it died: the errno its output names (lib/crashes.ts), or null when it names none. */
  diedOf: string | null;
  /** The held clients that were answered once they sent their request. */
  answered: number;
  /** curl once they had all gone. */
  responseAfter: string;
}

export const nodeEmfile: Experiment<NodeEmfileOutcome, NodeEmfileOptions> = {
  name: 'node-emfile',
  stage: 'webserver-net',
  summary: "Node's event loop has no zombies and no EINTR, but still runs out of descriptors",
  article: 'beyond the article: the ulimit -n experiment of webserver3d.py, on node:net',
  params: {
    limit: { description: 'ulimit -n: the open-descriptors limit', default: 64 },
    clients: { description: 'clients that connect at once', default: 100 },
  },
  async run(ctx, options = {}) {
    const { say } = ctx;
    const { limit, clients } = optionsOf(nodeEmfile, options);
    say.title("node-emfile: Node's own event loop, out of descriptors, webserver-net");
    say.step(`Terminal 1: limit the server to ${limit} open descriptors, then start it`);
    say.cmd(`ulimit -n ${limit}`);
    say.cmd(ctx.command('webserver-net'));
    const stage = await say.wait(
      'compiling and starting',
      ctx.start('webserver-net', { limits: `ulimit -n ${limit}` }),
    );
    say.show(tidy(stage.output));
    const server = stage.requireServerPid();
    const descriptorsBefore = fds(server).size;
    const mark = stage.output.length;

    say.step(`Terminal 2: ${clients} clients connect at once and send nothing yet`);
    const idle = await say.wait('connecting', idleClients(ctx.port, clients)).catch(async (e: unknown) => {
      // a connection refused or reset: the server died of the clients (ServerGone says what of), or is dying
      await ctx
        .until('the server to end', () => stat(server) === null || stat(server)?.state === 'Z', 2_000)
        .catch(() => undefined);
      await ctx.alive(stage, server, `while ${clients} clients connected`);
      throw e;
    });
    ctx.defer(() => idle.forEach((c) => c.close()));
    let last = -1;
    await ctx
      .until(
        'the server to settle',
        () => {
          const now = connectionsHeld(server, ctx.port) + idle.filter((c) => c.ended).length;
          const settled = now === last && now >= Math.min(clients, limit - descriptorsBefore);
          last = now;
          return settled || undefined;
        },
        10_000,
      )
      .catch(() => undefined);
    await ctx.pause(500);
    const held = connectionsHeld(server, ctx.port);
    const descriptors = fds(server).size;
    const belowLimit = [...fds(server).keys()].filter((fd) => fd < limit).length;
    const dropped = idle.filter((c) => c.ended && c.received === '').length;
    const alive = stat(server) !== null && stat(server)?.state !== 'Z';
    const printed = outputSince(stage, mark)
      .split('\n')
      .find((l) => /EMFILE|too many open files/i.test(l));
    say.cmd(`ls /proc/${server}/fd | wc -l`);
    say.show(String(descriptors));
    say.note(
      `The server holds ${held} connections; ${belowLimit} of the ${limit} descriptor numbers the limit allows ` +
        `(0-${limit - 1}) are in use, and ${dropped} clients saw their connection closed at once, without a ` +
        `byte. ${alive ? 'The server runs on' : 'The server is gone'}` +
        (printed ? `, and printed: ${printed}` : ", and printed nothing: no exception, no 'error' event.") +
        ' At the limit, accept() fails with EMFILE as in webserver3d, but libuv keeps one spare descriptor ' +
        'for this: it closes it, accepts every waiting connection and closes each at once, then opens the ' +
        "spare again (uv__emfile_trick); Node's server emits 'error' only when even that fails. The " +
        'connections are dropped, silently.',
    );

    say.step('Terminal 2: the clients that were kept send their request');
    const kept = idle.filter((c) => !c.ended);
    kept.forEach((c) => c.send(HELLO_REQUEST(ctx.port)));
    await ctx.until('their answers', () => kept.every((c) => c.ended) || undefined, 20_000).catch(() => undefined);
    const answered = kept.filter((c) => c.received.includes('Hello, World!')).length;
    idle.forEach((c) => c.close());
    say.note(`${answered} of the ${kept.length} kept were answered.`);

    say.step('Terminal 3: once they have gone');
    say.cmd(`curl ${ctx.url}`);
    const after = await curl(['--ipv4', ctx.url], 10);
    say.show(after.stdout);
    say.note(
      `No children, so no zombies and no SIGCHLD; no blocking call for a signal to interrupt, so no EINTR ` +
        `(${children(server).length} children now). What remains of the article's problems is the limit on ` +
        'descriptors: one process holds every connection, so ulimit -n is the number of clients it can hold.',
    );
    say.result(
      "Node's event loop does for you what webserver-poll does by hand. Descriptors still run out: the " +
        'connections over the limit are accepted and closed, and the server carries on.',
    );
    return {
      limit,
      clients,
      children: children(server).length,
      descriptorsBefore,
      held,
      descriptors,
      belowLimit,
      dropped,
      alive,
      printedError: printed ?? null,
      diedOf: alive ? null : (crashOf(outputSince(stage, mark))?.code ?? null),
      answered,
      responseAfter: after.stdout,
    };
  },
};

export default nodeEmfile;
