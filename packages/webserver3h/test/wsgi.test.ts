// pnpm experiment wsgi, run for real: the outcome the article describes.
import t from 'tap';
import { run } from '../../../test/experiment.js';
import wsgi from '../experiments/wsgi.js';

t.test(
  'wsgi (3h): one concurrent server runs a plain app, Hono and Express unchanged; 400 for bad input; no zombies',
  async (t) => {
    const o = await run(wsgi, { clients: 64 });
    t.same(o.held, { children: 1, zombiesAfter: 0 }, 'a client that sends nothing holds a child, reaped once it goes');
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
