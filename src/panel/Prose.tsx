/**
 * Engine prose as text nodes, with its backticked runs in a code font. Every part of the detail pane
 * renders engine sentences through it, so it is apart from any one of them, and it is the one place
 * to check that no network value becomes markup.
 */
import { splitInlineCode } from './format';

/** Engine prose with its `backticked` runs in a code font; every run is a text node. */
export function Prose({ text }: { text: string }) {
  return <>{splitInlineCode(text).map((run, index) => (run.code ? <code key={index}>{run.text}</code> : run.text))}</>;
}
