/**
 * An Express 5 application, written as for http.createServer, run by webserver2 and
 * webserver3h through the Node (req, res) adapter:
 *
 *   pnpm --filter webserver3h start -- expressapp:app
 *
 * (`expressapp:expressApp`, the Express app itself, is run through the adapter too.)
 */
import express from 'express';
import { fromNode } from '@lsbaws/wsgi';

export const expressApp: express.Express = express();

expressApp.get('/hello', (req, res) => {
  res.type('text/plain').send('Hello world from Express!\n');
});

expressApp.post('/echo', express.text({ type: '*/*', limit: '1mb' }), (req, res) => {
  const body = typeof req.body === 'string' ? req.body : '';
  res.json({ method: req.method, contentType: req.get('content-type') ?? null, length: body.length, body });
});

// What Flask's `app.wsgi_app` is to Flask: the same application behind the WSGI-style interface
export const app = fromNode(expressApp);
