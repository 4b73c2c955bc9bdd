import type { Application } from '@lsbaws/wsgi';

/**
 * A barebones WSGI application.
 *
 * This is a starting point for your own Web framework :)
 */
export const app: Application = (environ, startResponse) => {
  const status = '200 OK';
  const responseHeaders: Array<[string, string]> = [['Content-Type', 'text/plain']];
  startResponse(status, responseHeaders);
  return [Buffer.from('Hello world from a simple WSGI application!\n')];
};
