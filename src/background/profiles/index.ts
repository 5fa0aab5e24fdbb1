/** The capture profile for the browser the worker runs in. */
import type { BrowserName } from '../../platform/browser-name';
import { chromiumCaptureProfile } from './chromium';
import { firefoxCaptureProfile } from './firefox';
import type { CaptureProfile } from './profile';

export { chromiumCaptureProfile, CHROMIUM_CACHE_MISS, CHROMIUM_CORS_ERROR } from './chromium';
export { firefoxCaptureProfile, FIREFOX_CORS_ERROR } from './firefox';
export type { CaptureProfile } from './profile';

/** The profiles written so far; a browser without one is captured with Chromium's assumptions. */
const CAPTURE_PROFILES: Partial<Record<BrowserName, CaptureProfile>> = { chromium: chromiumCaptureProfile, firefox: firefoxCaptureProfile };

export function captureProfileFor(browser: BrowserName): CaptureProfile {
  return CAPTURE_PROFILES[browser] ?? chromiumCaptureProfile;
}
