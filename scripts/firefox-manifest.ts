/**
 * The Firefox manifest, derived from the Chromium one (manifest.json) so the two never drift:
 * - Firefox runs MV3 background code as an event page (`background.scripts`); a manifest with only
 *   `background.service_worker` is refused. crxjs writes `scripts` from the entry named here.
 * - `browser_specific_settings.gecko.id` is required for an MV3 add-on (storage and the AMO listing
 *   key off it); `data_collection_permissions` states that the add-on sends nothing anywhere.
 * - `minimum_chrome_version` means nothing to Firefox (web-ext lint flags it).
 */
export const FIREFOX_ADDON_ID = 'cors-doctor@cors-doctor';

/** The first Firefox with what the add-on uses: MV3 webRequest with host permissions, storage.session, module background scripts. */
export const FIREFOX_MIN_VERSION = '140.0';

interface ChromiumManifest {
  background: { service_worker: string; type?: string };
  minimum_chrome_version?: string;
  [key: string]: unknown;
}

export type FirefoxManifest<M extends ChromiumManifest> = Omit<M, 'background' | 'minimum_chrome_version'> & {
  background: { scripts: string[]; type?: string };
  browser_specific_settings: { gecko: { id: string; strict_min_version: string; data_collection_permissions: { required: string[] } } };
};

export function firefoxManifest<M extends ChromiumManifest>(chromium: M): FirefoxManifest<M> {
  const { minimum_chrome_version: _chromeOnly, background, ...rest } = chromium;
  return {
    ...(rest as Omit<M, 'background' | 'minimum_chrome_version'>),
    background: { scripts: [background.service_worker], ...(background.type ? { type: background.type } : {}) },
    browser_specific_settings: {
      gecko: {
        id: FIREFOX_ADDON_ID,
        strict_min_version: FIREFOX_MIN_VERSION,
        data_collection_permissions: { required: ['none'] },
      },
    },
  };
}
