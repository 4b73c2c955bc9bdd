/**
 * Python's getattr(module, callable), for an application, knowing the frameworks: an app given as
 * it is runs through its adapter (a Fetch-API app through fromFetch, an Express app through
 * fromNode), and what cannot be an application is refused in one line that names the adapters.
 */
import { fromFetch, type FetchHandler } from './adapters/fetch.js';
import { fromNode, type NodeListener } from './adapters/node.js';
import type { Module } from './importer.js';
import { LoadError } from './sys.js';
import type { Application } from './wsgi.js';

/**
 * Python's getattr(module, name), for an application. A framework's app given as it is runs
 * through its adapter: an object with a fetch() (Hono, or any Fetch-API app) or a function
 * called fetch through fromFetch, an Express app through fromNode. Anything else that is not
 * callable ends the program in one line that names the adapters.
 */
export function getattr(module: Module, name: string): Application {
  const what = `${module.__name__}:${name}`;
  if (!(name in module)) {
    const exported = Object.keys(module).join(', ') || 'nothing';
    throw new LoadError(
      'AttributeError',
      `module '${module.__name__}' has no attribute '${name}' (it exports ${exported})`,
    );
  }
  const value = module[name];
  if (isObject(value) && typeof value.fetch === 'function') {
    console.log(`${what} is a Fetch-API application: served through fromFetch(${name}.fetch)`);
    return fromFetch((value.fetch as FetchHandler).bind(value));
  }
  if (typeof value === 'function' && /(^| )fetch$/.test(value.name)) {
    console.log(`${what} is a Fetch-API handler: served through fromFetch(${name})`);
    return fromFetch(value as FetchHandler);
  }
  if (typeof value === 'function' && ['handle', 'set', 'use'].every((m) => typeof (value as never)[m] === 'function')) {
    console.log(`${what} is an Express application: served through fromNode(${name})`);
    return fromNode(value as NodeListener);
  }
  if (isObject(value)) {
    throw new LoadError(
      'TypeError',
      `'${what}' is not callable (it is object): export a WSGI ` +
        `application, or a framework's app through its adapter from '@lsbaws/wsgi': ` +
        `fromFetch(app.fetch) for a Fetch-API app, fromNode(app) for a Node (req, res) one`,
    );
  }
  if (typeof value !== 'function') {
    throw new LoadError('TypeError', `'${what}' is not callable (it is ${value === null ? 'null' : typeof value})`);
  }
  return refuseResponses(value as Application);
}

/**
 * An application that returns a Response is a Fetch-API handler passed as it is: say which adapter it needs.
 * Recognised by its tag, not `instanceof Response`: the global `Response` is loaded on first use (undici),
 * which a forked child would then do for every request (60 ms of CPU each, measured in `pnpm bench`).
 */
function refuseResponses(application: Application): Application {
  return async (environ, startResponse) => {
    const result = await application(environ, startResponse);
    if (Object.prototype.toString.call(result) === '[object Response]') {
      throw new TypeError(
        'the application returned a Response: it is a Fetch-API handler, (request) => Response; ' +
          "serve it through its adapter: export const app = fromFetch(handler) (from '@lsbaws/wsgi')",
      );
    }
    return result;
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
