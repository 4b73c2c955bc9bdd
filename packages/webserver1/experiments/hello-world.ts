/**
 * Part 1: the web server in twenty lines answers Hello, World! to a browser, to curl, and to anything typed by hand.
 */
import { rawRequest } from '../../../scripts/lib/clients.js';
import { children } from '../../../scripts/lib/procfs.js';
import { type Experiment } from '../../../scripts/experiments/framework/experiment.js';
import { printedRequest, tidy } from '../../../scripts/experiments/framework/output.js';

export interface HelloWorldOutcome {
  /** What curl printed for GET /hello. */
  response: string;
  /** The request line the server printed. */
  serverPrinted: string | null;
  /** What the server answered to `GET /hello HTTP` typed by hand, and to a line that is not HTTP at all. */
  byHand: string;
  anything: string;
  /** How many server processes there were: 1. */
  processes: number;
}

/** What the article types into telnet, and something that is not a request at all. */
const BY_HAND = 'GET /hello HTTP';
const ANYTHING = 'anything at all';

export const helloWorld: Experiment<HelloWorldOutcome> = {
  name: 'hello-world',
  stage: 'webserver1',
  summary: 'Part 1: "Hello, World!" to curl, to a request typed by hand, and to anything',
  article: 'Part 1: the web server in twenty lines',
  async run(ctx) {
    const { say } = ctx;
    say.title('hello-world: the web server of Part 1, webserver1');
    say.step('Terminal 1: start the server');
    say.cmd(`${ctx.portEnv}pnpm --filter webserver1 start`);
    const stage = await say.wait('starting', ctx.start('webserver1'));
    say.show(tidy(stage.output));
    const server = stage.serverPid();

    say.step('Terminal 2: a request, as a browser sends it');
    let mark = stage.output.length;
    say.cmd(`curl ${ctx.url}`);
    const c = ctx.curl(10);
    await c.done;
    say.show(c.stdout);
    const printed = await printedRequest(ctx, stage, mark);
    say.step('Terminal 1: the server printed the request it read');
    say.show(tidy(printed));

    say.step(`Terminal 2: the article's request typed by hand (telnet localhost ${ctx.port}, GET /hello HTTP, Enter)`);
    say.cmd(`printf '${BY_HAND}\\r\\n\\r\\n' | curl telnet://localhost:${ctx.port}`);
    ctx.throwIfStopped();
    const byHand = await rawRequest(ctx.port, `${BY_HAND}\r\n\r\n`, 10_000);
    say.show(byHand.data);
    say.cmd(`printf '${ANYTHING}\\r\\n\\r\\n' | curl telnet://localhost:${ctx.port}`);
    mark = stage.output.length;
    const anything = await rawRequest(ctx.port, `${ANYTHING}\r\n\r\n`, 10_000);
    say.show(anything.data);
    say.note(
      'The response is a status line, an empty line and the body, nothing else; and it is the same whatever the ' +
        'request says: this server prints what it read and never looks at it.',
    );
    const processes = server === null ? 0 : 1 + children(server).length;
    say.result(
      'A web server: a listening socket, accept(), recv(), sendall(), close(), and again, one client after another.',
    );
    return {
      response: c.stdout,
      serverPrinted: /GET \/hello[^\n]*/.exec(printed)?.[0]?.trim() ?? null,
      byHand: byHand.data,
      anything: anything.data,
      processes,
    };
  },
};

export default helloWorld;
