/**
 * The fix: its summary, the per-stack snippet tabs (the ARIA tabs pattern) and the traps. It is apart
 * because it keeps state the rest of the pane knows nothing about: the picked server stack,
 * remembered across panes and in storage.
 */
import { useEffect, useState } from 'preact/hooks';
import type { Fix } from '../engine/types';
import { loadPreferredStack, savePreferredStack } from '../shared/preferred-stack';
import { CopyButton } from './CopyButtons';
import { Section } from './DetailSection';
import { Prose } from './Prose';

// The detail pane mounts anew for every selected request: keep the remembered stack in memory once
// read, so a fix opens on it at once instead of flashing the first tab.
let rememberedStack: string | null | undefined;

export function FixSection({ fix, copy }: { fix: Fix; copy(text: string): Promise<void> }) {
  const [activeStack, setActiveStack] = useState<string | null>(rememberedStack ?? null);
  const active = fix.snippets.find((snippet) => snippet.stack === activeStack) ?? fix.snippets[0];

  useEffect(() => {
    if (rememberedStack !== undefined) return;
    let current = true;
    loadPreferredStack()
      .catch(() => null)
      .then((stack) => {
        rememberedStack = stack;
        if (current && stack !== null) setActiveStack((picked) => picked ?? stack);
      });
    return () => {
      current = false;
    };
  }, []);

  function pick(stack: string) {
    setActiveStack(stack);
    rememberedStack = stack;
    // Remembering is a convenience: a storage failure must not break the tabs.
    savePreferredStack(stack).catch(() => {});
  }

  // The ARIA tabs pattern: arrows move between stacks, and focus follows the selection.
  function onTabKeyDown(event: KeyboardEvent) {
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (step === 0 || !active) return;
    event.preventDefault();
    const index = fix.snippets.indexOf(active);
    const next = fix.snippets[(index + step + fix.snippets.length) % fix.snippets.length]!;
    pick(next.stack);
    const tablist = event.currentTarget as HTMLElement;
    requestAnimationFrame(() => tablist.querySelector<HTMLElement>('[aria-selected="true"]')?.focus());
  }
  return (
    <Section title="Fix">
      <p class="fix-summary">
        <Prose text={fix.summary} />
      </p>
      {fix.details && (
        <p class="fix-details">
          <Prose text={fix.details} />
        </p>
      )}
      {fix.snippets.length > 0 && active && (
        <div class="snippets">
          <div class="snippet-tabs" role="tablist" aria-label="Server stack" onKeyDown={onTabKeyDown}>
            {fix.snippets.map((snippet) => (
              <button
                key={snippet.stack}
                type="button"
                role="tab"
                id={`snippet-tab-${snippet.stack}`}
                aria-selected={snippet === active}
                aria-controls="snippet-panel"
                tabIndex={snippet === active ? 0 : -1}
                class={snippet === active ? 'snippet-tab is-active' : 'snippet-tab'}
                onClick={() => pick(snippet.stack)}
              >
                {snippet.label}
                {!snippet.verified && <span class="snippet-unverified"> (unverified)</span>}
              </button>
            ))}
          </div>
          <div class="snippet-panel" role="tabpanel" id="snippet-panel" aria-labelledby={`snippet-tab-${active.stack}`}>
            <p class={active.verified ? 'snippet-provenance' : 'snippet-provenance is-unverified'}>
              {active.verified
                ? `For ${active.versions}. Verified by CORS Doctor's test suite on ${active.verified.version}.`
                : `For ${active.versions}. Not verified by CORS Doctor's test suite: check it on your server.`}
            </p>
            {/* One button per stack: a "Copied" from the previous tab must not show on this one. */}
            <CopyButton key={active.stack} label={`Copy ${active.label} snippet`} text={active.code} copy={copy} />
            <pre class="snippet-code">
              <code data-language={active.language}>{active.code}</code>
            </pre>
          </div>
        </div>
      )}
      {fix.traps.length > 0 && (
        <ul class="plain-list traps" aria-label="Traps">
          {fix.traps.map((trap, index) => (
            <li key={index}>
              <Prose text={trap} />
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}
