import { useEffect, useState } from 'preact/hooks';
import { watchSummary, type TabWatch, type WatchState } from '../shared/watch';

export interface WatchActions {
  loadWatch(): Promise<TabWatch>;
  setWatched(watched: boolean): Promise<TabWatch>;
  setMode(mode: WatchState['mode']): Promise<unknown>;
  /** Reloads the tab (after switching watching on, so that its failures are diagnosed). */
  reloadTab(): Promise<void>;
}

/**
 * What is watched, said first: whether this tab gets full capture and why, the suspected failures
 * counted while it was not, and the one click that watches it and reloads it for their diagnosis.
 */
export function WatchBar({ actions, refreshMs }: { actions: WatchActions; refreshMs: number }) {
  const [watch, setWatch] = useState<TabWatch | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let stopped = false;
    const refresh = () =>
      actions.loadWatch().then(
        (value) => !stopped && setWatch(value),
        (e) => !stopped && setError(e instanceof Error ? e.message : String(e)),
      );
    void refresh();
    const timer = setInterval(refresh, refreshMs);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [actions]);

  const act = (run: () => Promise<unknown>) => () =>
    run()
      .then(() => actions.loadWatch())
      .then(setWatch, (e) => setError(e instanceof Error ? e.message : String(e)));

  if (!watch) return error ? <p class="status error">Could not read what is watched: {error}</p> : null;
  const everything = watch.mode === 'everything';
  const switchedOn = watch.reasons.includes('tab');
  return (
    <section class={`watch ${watch.watched ? 'watched' : 'unwatched'}`} aria-label="What is watched" data-testid="watch-state" data-watched={watch.watched}>
      <p class="watch-summary">{watchSummary(watch)}</p>
      {!watch.watched && watch.suspected > 0 && (
        <p class="suspected" data-testid="suspected-count" data-count={watch.suspected}>
          {watch.suspected} cross-origin {watch.suspected === 1 ? 'request' : 'requests'} failed on this page, maybe by CORS.
        </p>
      )}
      <div class="buttons">
        {!watch.watched && (
          <button
            type="button"
            class="primary"
            onClick={act(async () => {
              await actions.setWatched(true);
              await actions.reloadTab();
            })}
          >
            Watch this tab and reload
          </button>
        )}
        {!everything && switchedOn && (
          <button type="button" onClick={act(() => actions.setWatched(false))}>
            Stop watching this tab
          </button>
        )}
      </div>
      <label class="switch">
        <span class="toggle">
          <input type="checkbox" role="switch" checked={everything} onChange={act(() => actions.setMode(everything ? 'watched-tabs' : 'everything'))} />
          <span class="track" aria-hidden="true" />
        </span>
        <span>
          Watch every tab
          <small class="muted">{everything ? 'Full capture on every tab: pages load slower.' : 'Only watched tabs are diagnosed; the rest are counted.'}</small>
        </span>
      </label>
      {error && <p class="status error">{error}</p>}
    </section>
  );
}
