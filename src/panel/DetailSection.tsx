/**
 * The titled, labelled region each part of the detail pane sits in. It is apart so that the
 * sections living in their own files (the fix, the warnings) frame themselves the same way as the
 * ones the pane draws inline, without importing the pane.
 */
import type { ComponentChildren } from 'preact';

export function Section({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <section class="detail-section" aria-label={title}>
      <h3>{title}</h3>
      {children}
    </section>
  );
}
