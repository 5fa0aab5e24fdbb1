/**
 * Message routing: which runtime message a handler answers, checked before any handler runs.
 * Every request names the tab it is about (src/shared/messages.ts).
 */
import type { Request } from '../shared/messages';

export type Handlers = { [K in Request['type']]?: (request: Extract<Request, { type: K }>) => Promise<unknown> };

/** runtime.onMessage: a promise for our requests, undefined for anything else (other listeners answer it). */
export function routeMessage(handlers: Handlers, message: unknown): Promise<unknown> | undefined {
  if (!message || typeof message !== 'object') return undefined;
  const type = (message as { type?: unknown }).type;
  if (typeof type !== 'string' || !Object.hasOwn(handlers, type)) return undefined;
  const tabId = (message as { tabId?: unknown }).tabId;
  if (typeof tabId !== 'number' || !Number.isInteger(tabId)) {
    return Promise.reject(new Error(`${type} needs an integer tabId, got ${JSON.stringify(tabId)}`));
  }
  const handler = handlers[type as Request['type']] as (request: Request) => Promise<unknown>;
  return handler(message as Request);
}
