/**
 * Recorded Firefox verdicts the engine does not reproduce, each for a reason (shared by the unit
 * test on the recorded fixtures and the Firefox conformance suite). Scenario id prefix → why.
 */
export const FIREFOX_CONSOLE_EXCLUSIONS: Record<string, string> = {
  'renderer/':
    "Firefox refuses these fetch() calls (mode 'same-origin' to another origin; mode 'no-cors' with a redirect mode other than 'follow') before any request, and its console prints no CORS line: there is no verdict to compare.",
  'redirect/093-redirect-mode-error':
    "fetch() with redirect: 'error' meets a redirect: Firefox fails it without a console line, so its console cannot judge it.",
  'network/003-actual-dropped-after-preflight':
    "The preflight passes, then the server drops the actual request's connection: Firefox's console says 'Multiple CORS header ‘Access-Control-Allow-Origin’ not allowed' for a response that never arrived. The engine calls it what it is, a network error.",
  'network/006-actual-dropped-after-preflight':
    'As network/003: a dropped connection after a passing preflight, misreported by Firefox as two Access-Control-Allow-Origin lines.',
  'network/009-actual-dropped-after-preflight': 'As network/003.',
};
