import { describe, expect, it } from 'vitest';
import { PANEL_PORT_NAME, type PortMessage } from '../shared/messages';
import { connectToTab, type ConnectionStatus, type PortLike } from './connection';
import { reportOf } from '../../test-support/panel-fixtures';

class FakePort implements PortLike {
  posted: unknown[] = [];
  disconnected = false;
  private messageListeners: ((m: unknown) => void)[] = [];
  private disconnectListeners: (() => void)[] = [];
  constructor(readonly name: string) {}
  postMessage(message: unknown) {
    this.posted.push(message);
  }
  disconnect() {
    this.disconnected = true;
  }
  onMessage = { addListener: (l: (m: unknown) => void) => void this.messageListeners.push(l) };
  onDisconnect = { addListener: (l: () => void) => void this.disconnectListeners.push(l) };
  deliver(message: unknown) {
    for (const l of this.messageListeners) l(message);
  }
  dropByWorker() {
    for (const l of this.disconnectListeners) l();
  }
}

function harness() {
  const ports: FakePort[] = [];
  const received: PortMessage[] = [];
  const statuses: ConnectionStatus[] = [];
  const timers: { callback: () => void; ms: number }[] = [];
  const stop = connectToTab({
    tabId: 7,
    connect: (name) => {
      const port = new FakePort(name);
      ports.push(port);
      return port;
    },
    onMessage: (m) => received.push(m),
    onStatus: (s) => statuses.push(s),
    retryDelaysMs: [10, 100],
    setTimer: (callback, ms) => timers.push({ callback, ms }),
    clearTimer: () => {},
  });
  return { ports, received, statuses, timers, stop };
}

describe('panel connection', () => {
  it('subscribes to its tab on the named port and passes port messages on', () => {
    const { ports, received, statuses } = harness();
    expect(ports[0]!.name).toBe(PANEL_PORT_NAME);
    expect(ports[0]!.posted).toEqual([{ type: 'subscribe', tabId: 7 }]);
    ports[0]!.deliver({ type: 'snapshot', report: reportOf([]) });
    ports[0]!.deliver({ type: 'cleared' });
    ports[0]!.deliver({ type: 'something-else' });
    expect(received.map((m) => m.type)).toEqual(['snapshot', 'cleared']);
    expect(statuses).toEqual(['connecting', 'connected']);
  });

  it('reconnects with back-off after the worker goes away, and re-subscribes', () => {
    const { ports, timers, statuses } = harness();
    ports[0]!.dropByWorker();
    expect(timers.map((t) => t.ms)).toEqual([10]);
    timers[0]!.callback();
    expect(ports).toHaveLength(2);
    expect(ports[1]!.posted).toEqual([{ type: 'subscribe', tabId: 7 }]);
    ports[1]!.dropByWorker();
    timers[1]!.callback();
    ports[2]!.dropByWorker();
    expect(timers.map((t) => t.ms)).toEqual([10, 100, 100]);
    timers[2]!.callback();
    ports[3]!.deliver({ type: 'snapshot', report: reportOf([]) });
    ports[3]!.dropByWorker();
    expect(timers.at(-1)!.ms).toBe(10);
    expect(statuses.at(-2)).toBe('connected');
    expect(statuses.at(-1)).toBe('reconnecting');
  });

  it('ignores a stale port and closes the live one when stopped', () => {
    const { ports, timers, received, stop } = harness();
    ports[0]!.dropByWorker();
    timers[0]!.callback();
    ports[0]!.deliver({ type: 'cleared' });
    expect(received).toEqual([]);
    stop();
    expect(ports[1]!.disconnected).toBe(true);
    ports[1]!.dropByWorker();
    expect(timers).toHaveLength(1);
  });
});
