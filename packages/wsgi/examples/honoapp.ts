/**
 * A Hono application, written as for any runtime that speaks the Fetch API, run by
 * webserver2 and webserver3h through the Fetch adapter:
 *
 *   pnpm --filter webserver3h start -- honoapp:app
 *
 * (`honoapp:honoApp`, the Hono app itself, is run through the adapter too.)
 */
import { Hono } from 'hono';
import { fromFetch } from '@lsbaws/wsgi';

export const honoApp = new Hono();

honoApp.get('/hello', (c) => c.text('Hello world from Hono!\n'));

honoApp.post('/echo', async (c) => {
  const body = await c.req.text();
  return c.json({ method: c.req.method, contentType: c.req.header('content-type') ?? null, length: body.length, body });
});

// What Flask's `app.wsgi_app` is to Flask: the same application behind the WSGI-style interface
export const app = fromFetch(honoApp.fetch);
