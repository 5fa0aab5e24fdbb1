/**
 * The panel's live link to the service worker: a long-lived port subscribed to one tab. The worker
 * may be stopped at any time (idle timeout, update), which disconnects the port; the panel then
 * reconnects, subscribes again and takes the fresh snapshot as the truth.
 */
import { PANEL_PORT_NAME, type PortMessage, type SubscribeMessage } from '../shared/messages';

/** The slice of `runtime.Port` the panel uses, so tests can drive it with a fake. */
export interface PortLike {
  postMessage(message: unknown): void;
  disconnect(): void;
  onMessage: { addListener(listener: (message: unknown) => void): void };
  onDisconnect: { addListener(listener: () => void): void };
}

export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting';

export interface ConnectionOptions {
  tabId: number;
  connect: (name: string) => PortLike;
  onMessage: (message: PortMessage) => void;
  onStatus?: (status: ConnectionStatus) => void;
  /** Delays before each reconnect attempt; the last one repeats. */
  retryDelaysMs?: readonly number[];
  setTimer?: (callback: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

const PORT_MESSAGE_TYPES = new Set(['snapshot', 'entry', 'log', 'navigated', 'cleared']);

export function isPortMessage(message: unknown): message is PortMessage {
  return typeof message === 'object' && message !== null && PORT_MESSAGE_TYPES.has((message as { type?: unknown }).type as string);
}

/** Opens the port and keeps it open until the returned function is called. */
export function connectToTab(options: ConnectionOptions): () => void {
  const retryDelays = options.retryDelaysMs ?? [50, 250, 1000, 2000];
  const setTimer = options.setTimer ?? ((callback, ms) => setTimeout(callback, ms));
  const clearTimer = options.clearTimer ?? ((handle) => clearTimeout(handle as ReturnType<typeof setTimeout>));
  let port: PortLike | null = null;
  let failedAttempts = 0;
  let retryTimer: unknown = null;
  let stopped = false;

  function open(): void {
    retryTimer = null;
    if (stopped) return;
    let opened: PortLike;
    try {
      opened = options.connect(PANEL_PORT_NAME);
    } catch {
      scheduleReconnect();
      return;
    }
    port = opened;
    opened.onMessage.addListener((message) => {
      if (port !== opened || !isPortMessage(message)) return;
      if (message.type === 'snapshot') {
        // A snapshot proves the worker is alive and subscribed: the next failure retries quickly again.
        failedAttempts = 0;
        options.onStatus?.('connected');
      }
      options.onMessage(message);
    });
    opened.onDisconnect.addListener(() => {
      if (port !== opened) return;
      port = null;
      scheduleReconnect();
    });
    const subscribe: SubscribeMessage = { type: 'subscribe', tabId: options.tabId };
    opened.postMessage(subscribe);
  }

  function scheduleReconnect(): void {
    if (stopped || retryTimer !== null) return;
    options.onStatus?.('reconnecting');
    const delay = retryDelays[Math.min(failedAttempts, retryDelays.length - 1)] ?? 1000;
    failedAttempts++;
    retryTimer = setTimer(open, delay);
  }

  options.onStatus?.('connecting');
  open();
  return () => {
    stopped = true;
    if (retryTimer !== null) clearTimer(retryTimer);
    const current = port;
    port = null;
    current?.disconnect();
  };
}
