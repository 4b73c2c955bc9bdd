/**
 * `pnpm observe --web`: a page on 127.0.0.1 that shows a running stage as observe-svg draws it,
 * redrawn as the processes change, with a timeline of the forks, exits, reaps and signals as
 * they happen, traced (observe-events: the feed of `pnpm observe --events`; /proc readings
 * when there is no tracer, which the page then says). The page receives the picture over Server-Sent Events;
 * the server answers GET only and has nothing that acts on a process. It stops, and tells the
 * page, when the observed server exits.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { snapshot, type Snapshot } from './observe-model.js';
import { renderSvg } from './observe-svg.js';
import { changes, fromTrace, type TimelineEvent } from './observe-timeline.js';
import { watchEvents, type EventFeed } from './observe-events.js';
import { stat } from './procfs.js';

export interface LiveOptions {
  /** The port on 127.0.0.1 (default 0: a free one). */
  port?: number;
  /** How often /proc is read, in ms (default 250). */
  interval?: number;
  /** How many timeline entries the page keeps (default 40). */
  keep?: number;
  /** The timeline from /proc readings instead of the tracer. */
  proc?: boolean;
}

export interface LivePage {
  url: string;
  /** Resolves when the observed server has exited and the page has been told ('exited'), or on close() ('closed'). */
  done: Promise<'exited' | 'closed'>;
  close(): Promise<void>;
}

interface State {
  title: string;
  svg: string;
  timeline: TimelineEvent[];
  ended: boolean;
}

/** Serves the live page for the stage whose server is pid. */
export function serveLive(pid: number, options: LiveOptions = {}): Promise<LivePage> {
  const interval = options.interval ?? 250;
  const keep = options.keep ?? 40;
  const nonce = randomBytes(12).toString('base64');
  const streams = new Set<ServerResponse>();
  let feed: EventFeed | null = null;
  let source = '';
  const state: State = { title: `PID ${pid}`, svg: '', timeline: [], ended: false };

  const push = (event: string, data: unknown): void => {
    const frame = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const res of streams) res.write(frame);
  };

  const read = (): void => {
    if (state.ended) return;
    if (stat(pid) === null || stat(pid)?.state === 'Z') {
      state.ended = true;
      const event: TimelineEvent = { at: Date.now(), kind: 'end', pid, text: `the server (PID ${pid}) has exited` };
      state.timeline = [event, ...state.timeline].slice(0, keep);
      push('timeline', [event]);
      push('end', { text: event.text });
      finish('exited');
      return;
    }
    let snap: Snapshot;
    try {
      snap = snapshot(pid);
    } catch {
      return; // it exited while being read: the next turn says so
    }
    const svg = renderSvg(snap, { maxChildren: 12 }); // a page scrolls: more children than a picture in the guide
    if (svg !== state.svg) {
      state.svg = svg;
      state.title = `${snap.stage}, server PID ${snap.pid}`;
      push('picture', { svg, title: state.title });
    }
  };

  const server = createServer((req, res) => handle(req, res));
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const port = (server.address() as { port: number }).port;
    // the page's own origin only (a page elsewhere cannot reach it by a DNS name pointing at 127.0.0.1)
    if (req.headers.host !== `127.0.0.1:${port}` && req.headers.host !== `localhost:${port}`) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end('forbidden\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res
        .writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' })
        .end('this page only shows; it cannot act on processes\n');
      return;
    }
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/') {
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy':
          `default-src 'none'; script-src 'nonce-${nonce}'; ` + `style-src 'unsafe-inline'; connect-src 'self'`,
        'cache-control': 'no-store',
      });
      res.end(page(nonce, interval, source, state));
    } else if (path === '/picture.svg') {
      res.writeHead(200, { 'content-type': 'image/svg+xml', 'cache-control': 'no-store' }).end(state.svg);
    } else if (path === '/events') {
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-store',
        connection: 'keep-alive',
      });
      res.write(`event: picture\ndata: ${JSON.stringify({ svg: state.svg, title: state.title })}\n\n`);
      res.write(`event: timeline\ndata: ${JSON.stringify([...state.timeline].reverse())}\n\n`);
      if (state.ended) {
        res.end(`event: end\ndata: ${JSON.stringify({ text: `the server (PID ${pid}) has exited` })}\n\n`);
        return;
      }
      streams.add(res);
      req.on('close', () => streams.delete(res));
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    }
  };

  let timer: NodeJS.Timeout | undefined;
  let resolveDone = (_why: 'exited' | 'closed'): void => {};
  const done = new Promise<'exited' | 'closed'>((resolve) => (resolveDone = resolve));
  const finish = (why: 'exited' | 'closed'): void => {
    clearInterval(timer);
    void feed?.stop();
    for (const res of streams) res.end();
    streams.clear();
    server.close(() => resolveDone(why));
    server.closeAllConnections();
  };

  const onEvent = (e: TimelineEvent): void => {
    state.timeline = [e, ...state.timeline].slice(0, keep);
    push('timeline', [e]);
  };
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => void listening());
    const listening = async (): Promise<void> => {
      const { port } = server.address() as { port: number };
      feed = await watchEvents(pid, (e) => onEvent(fromTrace(e)), { interval, proc: options.proc });
      source = feed.source === 'strace' ? 'events traced with strace' : (feed.note ?? '');
      try {
        const [watching] = changes(null, snapshot(pid)); // what was there when the page started
        if (watching) onEvent({ ...watching, text: `${watching.text}; the timeline: ${source}` });
      } catch {
        // it exited meanwhile: read() says so
      }
      read();
      timer = setInterval(read, interval);
      resolve({
        url: `http://127.0.0.1:${port}/`,
        done,
        close: async () => {
          state.ended = true;
          finish('closed');
          await done;
        },
      });
    };
  });
}

/** Text as HTML: the picture's title in the page's own markup. */
const html = (text: string): string =>
  text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);

/**
 * The page: the picture, a status line and the timeline. The picture of now is in the page itself,
 * so that its first paint shows it; from then on everything comes from /events.
 */
function page(nonce: string, interval: number, source: string, now: State): string {
  const live = `live: the picture from /proc every ${interval} ms, the timeline from ${source}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${now.svg ? `observe: ${html(now.title)}` : 'pnpm observe'}</title>
<style>
  body {
    font: 14px ui-monospace, 'DejaVu Sans Mono', Menlo, monospace; margin: 16px; color: #1f2328; background: #f6f8fa;
  }
  h1 { font-size: 16px; margin: 0 0 8px; }
  #status { margin: 0 0 12px; color: #59636e; }
  #status.ended { color: #b71c1c; font-weight: bold; }
  main { display: flex; gap: 16px; align-items: flex-start; flex-wrap: wrap; }
  #picture { background: #fff; border: 1px solid #d0d7de; border-radius: 6px; overflow: auto; max-width: 100%; }
  #picture svg { display: block; }
  aside { min-width: 320px; max-width: 560px; flex: 1; }
  aside h2 { font-size: 14px; margin: 0 0 6px; }
  ol { list-style: none; padding: 0; margin: 0; }
  li { padding: 3px 6px; border-left: 4px solid #8c959f; margin-bottom: 3px; background: #fff; }
  li time { color: #59636e; margin-right: 8px; }
  li.fork { border-color: #3465a4; } li.exit { border-color: #c62828; } li.reap { border-color: #2e7d32; }
  li.signal, li.stop, li.continue { border-color: #c77700; } li.watch { border-color: #59636e; }
  li.end { border-color: #b71c1c; font-weight: bold; }
</style>
</head>
<body>
<h1 id="title">${now.svg ? html(now.title) : 'pnpm observe'}</h1>
<p id="status">${now.svg ? html(live) : 'connecting…'}</p>
<main>
  <div id="picture">${now.svg}</div>
  <aside><h2>Timeline (forks, exits, reaps, signals; newest first)</h2><ol id="timeline"></ol></aside>
</main>
<script nonce="${nonce}">
  const picture = document.getElementById('picture');
  const list = document.getElementById('timeline');
  const status = document.getElementById('status');
  const events = new EventSource('/events');
  const clock = (ms) =>
    new Date(ms).toTimeString().slice(0, 8) + '.' + String(Math.floor((ms % 1000) * 1000)).padStart(6, '0');
  events.addEventListener('picture', (e) => {
    const { svg, title } = JSON.parse(e.data);
    picture.innerHTML = svg;
    document.getElementById('title').textContent = title;
    document.title = 'observe: ' + title;
    status.textContent = ${JSON.stringify(live)} + '; last change ' + clock(Date.now());
  });
  events.addEventListener('timeline', (e) => {
    for (const ev of JSON.parse(e.data)) {
      const li = document.createElement('li');
      li.className = ev.kind;
      const time = document.createElement('time');
      time.textContent = clock(ev.at);
      li.append(time, ev.text);
      list.prepend(li);
    }
  });
  events.addEventListener('end', (e) => {
    events.close();
    status.textContent = JSON.parse(e.data).text + ': the picture shows its last state.';
    status.className = 'ended';
  });
  events.onerror = () => { if (status.className !== 'ended') status.textContent = 'connection to pnpm observe lost'; };
</script>
</body>
</html>
`;
}
