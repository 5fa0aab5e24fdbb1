/**
 * The buttons that put text on the clipboard and say for a moment whether that worked: one for a
 * given text (a snippet, a console message), one that runs an export of the entry. They are apart
 * because the header, the fix tabs and the console messages all use them.
 */
import { useState } from 'preact/hooks';

/** A labelled button that says for a moment whether its copy worked. */
export function ActionButton({ label, title, run }: { label: string; title: string; run(): Promise<void> }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  async function onClick() {
    try {
      await run();
      setState('copied');
    } catch {
      setState('failed');
    }
    setTimeout(() => setState('idle'), 1500);
  }
  return (
    <button type="button" class="tool-button detail-action" title={title} aria-label={label} onClick={onClick}>
      {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : label}
    </button>
  );
}

export function CopyButton({ label, text, copy }: { label: string; text: string; copy(text: string): Promise<void> }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  async function onClick() {
    try {
      await copy(text);
      setState('copied');
    } catch {
      setState('failed');
    }
    setTimeout(() => setState('idle'), 1500);
  }
  return (
    <button type="button" class="copy-button" aria-label={label} title={label} onClick={onClick}>
      {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : 'Copy'}
    </button>
  );
}
