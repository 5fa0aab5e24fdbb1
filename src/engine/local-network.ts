/**
 * Local Network Access (https://wicg.github.io/local-network-access/): Chromium's permission check
 * for requests from a public page to a local address, and its Private Network Access predecessor.
 */

/** The net errors Chromium ends a request with when its Local (or Private) Network Access check refused it. */
export const LOCAL_NETWORK_ERRORS = new Set(['net::ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS', 'net::ERR_BLOCKED_BY_PRIVATE_NETWORK_ACCESS_CHECKS']);

export const LOCAL_NETWORK_RULES = new Set<string>(['LocalNetworkAccessPermissionDenied', 'InsecureLocalNetwork', 'InvalidLocalNetworkAccess']);

/**
 * A host in a non-public address space (WICG Local Network Access, "Non-public IP address
 * blocks"), or a name that resolves there by convention: `localhost`, `*.localhost`, `*.local`.
 */
export function isLocalAddressUrl(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return false;
  }
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local')) return true;
  if (host.startsWith('[')) {
    const v6 = host.slice(1, -1);
    return (
      v6 === '::1' ||
      v6 === '::' ||
      /^f[cd]/.test(v6) ||
      /^fe[89ab]/.test(v6) ||
      /^fe[c-f]/.test(v6) ||
      v6.startsWith('::ffff:127.') ||
      v6.startsWith('::ffff:7f')
    );
  }
  const parts = host.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p))) return false;
  const [a, b] = parts.map(Number) as [number, number];
  return (
    a === 127 ||
    a === 10 ||
    a === 0 ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 169 && b === 254) ||
    (a === 100 && b >= 64 && b <= 127) ||
    (a === 198 && (b === 18 || b === 19))
  );
}
