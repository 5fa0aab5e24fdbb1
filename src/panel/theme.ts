export type Theme = 'light' | 'dark';

/** The `?theme=` the DevTools page passes wins; then DevTools' own setting; then the OS. */
export function resolveTheme(params: URLSearchParams, devtoolsThemeName: string | undefined, prefersDark: boolean): Theme {
  const fromUrl = params.get('theme');
  if (fromUrl === 'dark' || fromUrl === 'light') return fromUrl;
  if (devtoolsThemeName !== undefined) return devtoolsThemeName === 'dark' ? 'dark' : 'light';
  return prefersDark ? 'dark' : 'light';
}

/** The inspected tab: from `?tabId=` (pop-out tab, tests), else from DevTools when hosted there. */
export function resolveTabId(params: URLSearchParams, devtoolsTabId: number | undefined): number | null {
  const raw = params.get('tabId');
  if (raw !== null && /^\d+$/.test(raw)) return Number(raw);
  return devtoolsTabId ?? null;
}
