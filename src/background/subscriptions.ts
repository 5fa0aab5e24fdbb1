/**
 * Port subscriptions: each open panel subscribes to one tab over a runtime port, gets a snapshot
 * (the tab's report), then every change. Changes that happen while the snapshot is being built
 * are queued and sent after it, minus the entries the snapshot already holds.
 */
import type { PortMessage, SubscribeMessage } from '../shared/messages';
import type { Report } from '../shared/report';

/** The part of a runtime Port the worker uses. */
export interface PortLike {
  name: string;
  postMessage(message: PortMessage): void;
  onMessage: { addListener(listener: (message: unknown) => void): void };
  onDisconnect: { addListener(listener: () => void): void };
}

interface Subscriber {
  port: PortLike;
  /** Messages held back until the snapshot is sent; null once it is. */
  queue: PortMessage[] | null;
}

export class Subscriptions {
  /** Open panels by tab; a panel whose snapshot is being built queues its entries. */
  private readonly subscribers = new Map<number, Set<Subscriber>>();

  constructor(private readonly snapshot: (tabId: number) => Promise<Report>) {}

  /** runtime.onConnect: a panel subscribes to one tab and gets a snapshot, then each change. */
  handlePort(port: PortLike): void {
    let subscriber: Subscriber | null = null;
    port.onMessage.addListener((message) => {
      const subscribe = message as SubscribeMessage;
      if (subscribe?.type !== 'subscribe' || typeof subscribe.tabId !== 'number' || subscriber) return;
      const tabId = subscribe.tabId;
      const current: Subscriber = { port, queue: [] };
      subscriber = current;
      let set = this.subscribers.get(tabId);
      if (!set) this.subscribers.set(tabId, (set = new Set()));
      set.add(current);
      void this.snapshot(tabId).then(
        (report) => {
          const sent = new Set(report.entries.map((entry) => entry.id));
          safePost(port, { type: 'snapshot', report });
          for (const queued of current.queue ?? []) {
            if (queued.type !== 'entry' || !sent.has(queued.entry.id)) safePost(port, queued);
          }
          current.queue = null;
        },
        (error) => console.warn('CORS Doctor: could not build the snapshot for a panel', error),
      );
    });
    port.onDisconnect.addListener(() => {
      if (!subscriber) return;
      for (const set of this.subscribers.values()) set.delete(subscriber);
    });
  }

  /** Posts the message to every panel subscribed to the tab (queued behind a snapshot in progress). */
  publish(tabId: number, message: PortMessage): void {
    const set = this.subscribers.get(tabId);
    if (!set) return;
    for (const subscriber of set) {
      if (subscriber.queue) subscriber.queue.push(message);
      else safePost(subscriber.port, message);
    }
  }

  /** The tab closed: its panels get nothing more. */
  forgetTab(tabId: number): void {
    this.subscribers.delete(tabId);
  }
}

function safePost(port: PortLike, message: PortMessage): void {
  try {
    port.postMessage(message);
  } catch {
    // The panel closed between the event and the post; its disconnect handler cleans up.
  }
}
