/**
 * Chromium's net errors (net/base/net_error_list.h) in words. Chromium reports every CORS block as
 * net::ERR_FAILED; any other error is the network's, and no CORS header can help with it.
 */

const NETWORK_ERRORS: Record<string, string> = {
  'net::ERR_CONNECTION_REFUSED': 'Nothing is listening at that host and port: the connection was refused.',
  'net::ERR_EMPTY_RESPONSE': 'The server closed the connection without answering.',
  'net::ERR_CONNECTION_RESET': 'The connection was reset by the server or something between (a proxy, a firewall).',
  'net::ERR_CONNECTION_CLOSED': 'The server closed the connection unexpectedly.',
  'net::ERR_CONNECTION_TIMED_OUT': 'The server did not accept the connection in time.',
  'net::ERR_TIMED_OUT': 'The request timed out.',
  'net::ERR_NAME_NOT_RESOLVED': 'The host name could not be resolved (DNS).',
  'net::ERR_ADDRESS_UNREACHABLE': 'The server address is unreachable.',
  'net::ERR_INTERNET_DISCONNECTED': 'The device is offline.',
  'net::ERR_NETWORK_CHANGED': 'The network changed while the request was in flight.',
  'net::ERR_ABORTED': 'The request was cancelled (the page called abort(), navigated away, or the element was removed).',
  'net::ERR_BLOCKED_BY_CLIENT': 'An extension (an ad or privacy blocker, for example) blocked the request.',
  'net::ERR_BLOCKED_BY_ADMINISTRATOR': 'A browser policy set by an administrator blocked the request.',
  'net::ERR_BLOCKED_BY_RESPONSE': 'The response was blocked by a response policy (Cross-Origin-Resource-Policy, COEP or similar), not by CORS.',
  'net::ERR_BLOCKED_BY_CSP': "The page's Content Security Policy blocked the request.",
  'net::ERR_TOO_MANY_REDIRECTS': 'The request was redirected more than 20 times.',
  'net::ERR_UNSAFE_REDIRECT': 'The request was redirected to a URL the browser refuses to follow.',
  'net::ERR_INVALID_REDIRECT': 'The redirect Location was not a valid URL.',
  'net::ERR_UNKNOWN_URL_SCHEME': 'The URL scheme is not supported.',
  'net::ERR_INVALID_ARGUMENT': 'The request was invalid (for example a streaming body that cannot be replayed across a redirect).',
  'net::ERR_INSECURE_RESPONSE': 'The TLS certificate of the server was rejected.',
  'net::ERR_INVALID_HTTP_RESPONSE': 'The server answered something that is not valid HTTP.',
  'net::ERR_INCOMPLETE_CHUNKED_ENCODING': 'The response body was cut off.',
  'net::ERR_CONTENT_LENGTH_MISMATCH': 'The response body was shorter than its Content-Length.',
  'net::ERR_HTTP2_PROTOCOL_ERROR': 'The HTTP/2 connection failed with a protocol error.',
  'net::ERR_CACHE_MISS': 'The resource was required from the cache and was not there.',
};

export function explainNetworkError(error: string): string {
  const known = NETWORK_ERRORS[error];
  if (known) return known;
  if (error.startsWith('net::ERR_CERT_')) return `The server's TLS certificate was rejected (\`${error}\`).`;
  if (error.startsWith('net::ERR_SSL_')) return `The TLS handshake failed (\`${error}\`).`;
  return `The request failed at the network level (\`${error}\`).`;
}
