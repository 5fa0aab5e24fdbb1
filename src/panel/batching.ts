/**
 * Port messages arrive one task each; a page making hundreds of requests a second would otherwise
 * copy the whole entry map once per request. Entries are collected and applied together at most
 * once per `schedule` tick; any other message first applies what is pending, so order is kept.
 */
import type { PortMessage } from '../shared/messages';
import type { ReportEntry } from '../shared/report';

export interface MessageBatcher {
  deliver(message: PortMessage): void;
  /** Applies pending entries now. */
  flush(): void;
}

export function createMessageBatcher(
  applyEntries: (entries: ReportEntry[]) => void,
  applyMessage: (message: PortMessage) => void,
  schedule: (callback: () => void) => void,
): MessageBatcher {
  let pending: ReportEntry[] = [];
  let scheduled = false;

  function flush(): void {
    scheduled = false;
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    applyEntries(batch);
  }

  return {
    deliver(message) {
      if (message.type === 'entry') {
        pending.push(message.entry);
        if (!scheduled) {
          scheduled = true;
          schedule(flush);
        }
        return;
      }
      flush();
      applyMessage(message);
    },
    flush,
  };
}
