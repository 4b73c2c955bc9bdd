// `pnpm observe --web`: the live page in a real browser (Debian's Chromium, driven by
// playwright-core), watching `pnpm experiment zombies`: a zombie box appears, the timeline shows
// the fork and the exit, the screenshot is not blank, and the page and the command stop when the
// server does. The page only shows: anything but GET is refused, and so is another Host. Then
// the timeline's events from successive snapshots of a live 3g.
import t from 'tap';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { PNG } from 'pngjs';
import { freePort, startStage, withoutNodeOptions, ROOT } from '../scripts/lib/stage.js';
import { eventually, openConnection, HELLO_REQUEST } from '../scripts/lib/clients.js';
import { listenerOf, stat } from '../scripts/lib/procfs.js';
import { snapshot } from '../scripts/lib/observe-model.js';
import { changes } from '../scripts/lib/observe-timeline.js';
import { renderSvg } from '../scripts/lib/observe-svg.js';
import { zombieCommand } from './fixture.js';

const TSX = join(ROOT, 'node_modules/.bin/tsx');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
// what a shared CI machine needs: no sandbox as root, no GPU, nothing that phones home
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A program in a process group of its own, with its output collected. */
function launch(argv: string[]): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const [command, ...args] = withoutNodeOptions(argv);
  const child = spawn(command, args, { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** Sends a signal, if the process (or, for a negative pid, the group) is still there. */
function trySignal(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // gone
  }
}

/** Signals a process group, if it is still there. */
function killGroup(pgid: number | undefined, signal: NodeJS.Signals): void {
  if (pgid !== undefined) trySignal(-pgid, signal);
}

/** A raw request with its own method and Host header: what a page elsewhere could send. */
function raw(url: string, method: string, host?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = request({ host: u.hostname, port: u.port, path: '/', method, headers: host ? { host } : {} }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.setTimeout(10_000, () => req.destroy(new Error('timed out')));
    req.once('error', reject);
    req.end();
  });
}

t.test('the live page shows a zombie appear during pnpm experiment zombies', async (t) => {
  // not skipped when missing: .ci/run installs it, and a learner is told what to install
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium (or set CHROMIUM)`);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 60_000 });
  t.teardown(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });

  // the experiment, as a learner runs it; 10 curls (1 s each) keep the zombies coming for 10 s, long enough for a busy
  // machine to start the page
  const port = await freePort();
  const experiment = launch(['pnpm', '--silent', 'experiment', 'zombies', '--port', String(port), '--requests', '10']);
  t.teardown(async () => {
    // Ctrl-C's way first: the experiment stops everything it started; then whatever is left
    killGroup(experiment.child.pid, 'SIGTERM');
    const gone = await Promise.race([
      experiment.exited.then(() => true),
      new Promise((r) => setTimeout(r, 20_000, false)),
    ]);
    if (!gone) killGroup(experiment.child.pid, 'SIGKILL');
    const left = listenerOf(port);
    if (left !== null) killGroup(stat(left)?.pgrp, 'SIGKILL');
  });
  const server = await eventually('the stage to listen', () => listenerOf(port) ?? undefined, 90_000);

  const observer = launch([TSX, 'scripts/observe.ts', String(port), '--web']);
  t.teardown(() => killGroup(observer.child.pid, 'SIGKILL'));
  const url = await eventually(
    'pnpm observe --web to print its address',
    () => /Watching PID \d+ on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(observer.output())?.[1],
    60_000,
  );
  t.match(
    observer.output(),
    new RegExp(`Watching PID ${server} on http://127\\.0\\.0\\.1:\\d+/`),
    'the server, on loopback',
  );
  await page.goto(url);

  // a zombie box appears; the zombies there before the page are drawn, and the page sees the next ones come
  const first = page.locator('#picture svg g.process.zombie').first();
  await first.waitFor({ timeout: 60_000 });
  t.equal(await first.getAttribute('data-ppid'), String(server), "a zombie box: the server's child");
  t.match(await first.textContent(), new RegExp(`ZOMBIE\\s*${zombieCommand()}`), 'marked ZOMBIE, named as ps names it');
  // a child the page saw come and go: its fork and its exit in the timeline
  const seen = async (): Promise<{ pid: number; events: string } | undefined> => {
    const events = await page.locator('#timeline').innerText();
    const forked = new Set([...events.matchAll(/fork\(\): PID \d+ created child PID (\d+)/g)].map((m) => Number(m[1])));
    const exited = [...events.matchAll(/PID (\d+) exited \(status \d+\): a zombie/g)].map((m) => Number(m[1]));
    const pid = exited.find((p) => forked.has(p));
    return pid === undefined ? undefined : { pid, events };
  };
  const deadline = Date.now() + 60_000;
  let found = await seen();
  while (found === undefined && Date.now() < deadline) {
    await page.waitForTimeout(200);
    found = await seen();
  }
  if (found === undefined)
    throw new Error(`no fork and exit of one child in the timeline:\n${await page.locator('#timeline').innerText()}`);
  const { pid: zombiePid, events } = found;
  t.match(
    events,
    new RegExp(`fork\\(\\): PID ${server} created child PID ${zombiePid}`),
    `the timeline shows PID ${zombiePid} forked...`,
  );
  t.match(events, new RegExp(`PID ${zombiePid} exited \\(status 0\\): a zombie until its parent waits`), '...and exit');
  t.match(
    events,
    new RegExp(`SIGCHLD delivered to PID ${server} \\(sent by PID ${zombiePid}\\), which ignores it \\(no handler\\)`),
    '...and the SIGCHLD 3d does not handle',
  );
  t.match(
    events,
    new RegExp(`watching PID ${server}.*; the timeline: events traced with strace`),
    'the first entry: what was there when the page started, and where the timeline comes from',
  );
  t.match(await page.locator('#status').innerText(), /the timeline from events traced with strace/);
  const box = page.locator(`#picture svg g.process.zombie[data-pid="${zombiePid}"]`);
  await box.waitFor({ timeout: 10_000 });
  t.equal(await box.getAttribute('data-state'), 'Z', 'and the picture has its zombie box');
  t.equal(await page.locator('#picture svg').getAttribute('data-pid'), String(server));

  const shot = await page.screenshot({ fullPage: true });
  if (process.env.OBSERVE_SCREENSHOT) writeFileSync(process.env.OBSERVE_SCREENSHOT, shot);
  const png = PNG.sync.read(shot);
  const colours = new Set<number>();
  let inked = 0;
  for (let i = 0; i < png.data.length; i += 4) {
    const [r = 0, g = 0, b = 0] = png.data.subarray(i, i + 3);
    colours.add((r << 16) | (g << 8) | b);
    if (r + g + b < 600) inked++;
  }
  const pixels = png.width * png.height;
  t.ok(colours.size >= 20, `the screenshot has colours (${colours.size} distinct)`);
  t.ok(
    inked / pixels > 0.02,
    `and is not blank: ${((100 * inked) / pixels).toFixed(1)}% of its pixels are not near white`,
  );

  // nothing on the page acts: GET only, and only for its own address
  t.equal(await raw(url, 'POST'), 405, 'POST is refused');
  t.equal(await raw(url, 'GET', 'attacker.example'), 403, 'another Host is refused');

  // the experiment ends and stops the stage: the page says so, and pnpm observe --web exits
  t.equal(await experiment.exited, 0, 'the experiment ran to its end');
  await page.locator('#status.ended').waitFor({ timeout: 30_000 });
  t.match(await page.locator('#status').innerText(), new RegExp(`the server \\(PID ${server}\\) has exited`));
  t.equal(await observer.exited, 0, 'pnpm observe --web stops when the server does');
  t.match(observer.output(), new RegExp(`The server \\(PID ${server}\\) has exited\\.`));
});

t.test('the timeline, from live snapshots of 3g: fork, stop, exit with SIGCHLD pending, continue, reap', async (t) => {
  const stage = await startStage('webserver3g');
  t.teardown(() => stage.stop());
  const server = stage.serverPid();
  if (server === null) throw new Error(`no server process; output:\n${stage.output}`);
  const start = snapshot(server);
  t.match(
    changes(null, start)[0]?.text ?? '',
    new RegExp(`^watching PID ${server} \\(webserver3g\\): 0 children, 0 connections$`),
  );

  const conn = await openConnection(stage.port);
  t.teardown(() => conn.close());
  const forked = await eventually('a child in recv()', () => {
    const s = snapshot(server);
    return s.processes.some((p) => p.role === 'child' && p.blockedIn === 'recv') ? s : undefined;
  });
  const child = forked.processes.find((p) => p.role === 'child')?.pid ?? 0;
  // when the connection leaves the picture depends on when the parent closed its copy (before or after its stop)
  const kinds = (events: Array<{ kind: string }>): string[] => events.map((e) => e.kind).filter((k) => k !== 'close');
  let events = changes(start, forked);
  t.same(kinds(events), ['accept', 'fork'], 'accept(), then fork()');
  t.equal(events[1]?.text, `fork(): PID ${server} created child PID ${child}`);

  // the parent stopped: the child's exit leaves a zombie and a pending SIGCHLD
  process.kill(server, 'SIGSTOP');
  t.teardown(() => trySignal(server, 'SIGCONT')); // never leave it stopped
  const stopped = await eventually('the parent stopped', () => {
    const s = snapshot(server);
    return s.processes[0]?.state === 'T' ? s : undefined;
  });
  t.same(kinds(changes(forked, stopped)), ['stop']);
  conn.send(HELLO_REQUEST(stage.port));
  const exited = await eventually('the zombie and the pending SIGCHLD', () => {
    const s = snapshot(server);
    const zombie = s.processes.some((p) => p.pid === child && p.state === 'Z');
    return zombie && s.processes[0]?.signals.pending.includes('SIGCHLD') ? s : undefined;
  });
  events = changes(stopped, exited);
  t.same(kinds(events), ['signal', 'exit'], 'a signal pending, and the exit');
  t.ok(events.some((e) => e.text === `SIGCHLD pending at PID ${server} (not handled yet)`));
  t.ok(
    events.some(
      (e) => e.text === `PID ${child} exited and is a zombie; SIGCHLD to PID ${server}, which has a handler for it`,
    ),
  );

  // the picture of that moment: the parent STOPPED with SIGCHLD pending, the child a zombie
  const svg = renderSvg(exited);
  t.match(
    svg,
    new RegExp(`<g class="process stopped" data-pid="${server}"[^>]*data-state="T">`),
    'the parent drawn as stopped',
  );
  t.match(svg, />STOPPED</);
  t.match(svg, />has a SIGCHLD handler; pending: SIGCHLD</, 'its handler and the pending signal');
  t.match(svg, new RegExp(`<g class="process zombie" data-pid="${child}"`), 'the child drawn as a zombie');

  // continued: the handler runs and its waitpid() loop reaps the zombie
  process.kill(server, 'SIGCONT');
  const reaped = await eventually('the child reaped', () => {
    const s = snapshot(server);
    return s.children === 0 && s.processes[0]?.state !== 'T' ? s : undefined;
  });
  events = changes(exited, reaped);
  t.same(kinds(events), ['continue', 'reap']);
  t.ok(events.some((e) => e.text === `PID ${child} reaped: its parent wait()ed for the zombie`));
});

t.test("the page's first paint shows the picture: it is in the page, not awaited from /events", async (t) => {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium (or set CHROMIUM)`);
  const stage = await startStage('webserver3g');
  t.teardown(() => stage.stop());
  const server = stage.requireServerPid();
  const observer = launch([TSX, 'scripts/observe.ts', String(stage.port), '--web', '--proc']);
  t.teardown(() => killGroup(observer.child.pid, 'SIGKILL'));
  const url = await eventually(
    'pnpm observe --web to print its address',
    () => /Watching PID \d+ on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(observer.output())?.[1],
    60_000,
  );
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 60_000 });
  t.teardown(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  // nothing comes from /events: what the screenshot shows came with the page
  await page.route('**/events', (route) => route.abort());
  await page.goto(url, { waitUntil: 'load' });
  const shot = await page.screenshot(); // right after load: the first paint
  if (process.env.OBSERVE_SCREENSHOT)
    writeFileSync(process.env.OBSERVE_SCREENSHOT.replace(/(\.png)?$/, '-first.png'), shot);
  const box = await page.locator('#picture').boundingBox();
  t.ok(
    box !== null && box.width > 300 && box.height > 200,
    `the picture has its size on first paint (${JSON.stringify(box)})`,
  );
  const png = PNG.sync.read(shot);
  let inked = 0;
  let inside = 0;
  for (let y = Math.floor(box?.y ?? 0); y < Math.min(png.height, (box?.y ?? 0) + (box?.height ?? 0)); y++)
    for (let x = Math.floor(box?.x ?? 0); x < Math.min(png.width, (box?.x ?? 0) + (box?.width ?? 0)); x++) {
      const i = 4 * (y * png.width + x);
      inside++;
      if ((png.data[i] ?? 0) + (png.data[i + 1] ?? 0) + (png.data[i + 2] ?? 0) < 600) inked++;
    }
  t.ok(
    inked > 0.02 * inside,
    `and is drawn there: ${((100 * inked) / Math.max(1, inside)).toFixed(1)}% of its pixels inked`,
  );
  t.equal(
    await page.locator('#picture svg g.process').first().getAttribute('data-pid'),
    String(server),
    "the server's box",
  );
  t.match(await page.locator('#picture svg').textContent(), /sleeping in poll\(\)/, 'waiting where it is: poll()');
  t.notMatch(await page.locator('#status').textContent(), /connecting/, 'not "connecting…"');
});
