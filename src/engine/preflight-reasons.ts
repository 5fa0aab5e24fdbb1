/**
 * Why a request needed a preflight, in words: each non-safelisted method or header, an over-long
 * value, the 1,024-byte budget, or a forced preflight.
 * https://fetch.spec.whatwg.org/#cors-safelisted-request-header and #cors-unsafe-request-header-names
 */
import {
  SAFELISTED_CONTENT_TYPES,
  SAFELISTED_VALUES_BUDGET,
  indexOfCorsUnsafeRequestHeaderByte,
  indexOfNonLanguageByte,
  isCorsSafelistableRequestHeaderName,
  isCorsSafelistedMethod,
  isCorsSafelistedRequestHeader,
  isForbiddenRequestHeader,
} from './fetch-spec';
import { displayHeaderName } from './fixes';
import { asciiLowercase } from './headers';
import { byteLength } from './http';
import type { HeaderLine, HeaderList, PreflightReason } from './types';

const SAFELISTED_TYPES_TEXT = SAFELISTED_CONTENT_TYPES.map((t) => `\`${t}\``).join(', ');

function describeUnsafeHeader(name: string, value: string): PreflightReason {
  const lower = asciiLowercase(name);
  const shown = displayHeaderName(lower);
  const bytes = byteLength(value);
  if (!isCorsSafelistableRequestHeaderName(lower)) {
    const extra =
      lower === 'authorization' ? ' `Authorization` always needs a preflight, and `Access-Control-Allow-Headers: *` does not cover it in the standard.' : '';
    return {
      kind: 'header',
      name: lower,
      value,
      message: `\`${shown}\` is not a CORS-safelisted request header (only \`Accept\`, \`Accept-Language\`, \`Content-Language\`, \`Content-Type\` with a safelisted value, and a single-range \`Range\` are).${extra}`,
    };
  }
  if (bytes > 128) return { kind: 'header-length', name: lower, value, message: `\`${shown}\` is longer than 128 bytes (${bytes} bytes).` };
  let message = `\`${shown}: ${value}\` is not a safelisted value.`;
  const unsafeIndex = indexOfCorsUnsafeRequestHeaderByte(value);
  switch (lower) {
    case 'content-type':
      message =
        unsafeIndex >= 0
          ? `\`Content-Type: ${value}\` contains the byte ${describeByte(value, unsafeIndex)}, which is CORS-unsafe.`
          : `\`Content-Type: ${value}\` is not one of the three safelisted values (${SAFELISTED_TYPES_TEXT}).`;
      break;
    case 'accept':
      if (unsafeIndex >= 0) message = `\`Accept: ${value}\` contains the byte ${describeByte(value, unsafeIndex)}, which is CORS-unsafe.`;
      break;
    case 'accept-language':
    case 'content-language': {
      const index = indexOfNonLanguageByte(value);
      if (index >= 0)
        message = `\`${shown}: ${value}\` contains ${describeByte(value, index)}; only letters, digits, space, \`*\`, \`,\`, \`-\`, \`.\`, \`;\` and \`=\` are safelisted.`;
      break;
    }
    case 'range':
      message = `\`Range: ${value}\` is not a single \`bytes=start-end\` or \`bytes=start-\` range.`;
      break;
  }
  return { kind: 'header-value', name: lower, value, message };
}

function describeByte(value: string, index: number): string {
  const code = value.charCodeAt(index);
  return code >= 0x20 && code < 0x7f ? `\`${value[index]}\`` : `0x${code.toString(16).toUpperCase().padStart(2, '0')}`;
}

function describeUnsafeName(lower: string): PreflightReason {
  const shown = displayHeaderName(lower);
  if (lower === 'content-type') {
    return {
      kind: 'header-value',
      name: lower,
      message: `\`Content-Type\` was sent with a value other than the three safelisted ones (${SAFELISTED_TYPES_TEXT}), e.g. \`application/json\` (the value itself is not visible: the request never sent its headers).`,
    };
  }
  if (isCorsSafelistableRequestHeaderName(lower)) {
    return {
      kind: 'header-value',
      name: lower,
      message: `\`${shown}\` was sent with a value that is not safelisted (too long, or an unsafe byte); the value is not visible because the request never sent its headers.`,
    };
  }
  return { kind: 'header', name: lower, message: `\`${shown}\` is not a CORS-safelisted request header.` };
}

export function preflightReasonsFor(
  method: string,
  headers: HeaderList | null,
  acrhNames: string[] | null,
  forcedPreflightObserved: boolean,
): PreflightReason[] {
  const reasons: PreflightReason[] = [];
  if (!isCorsSafelistedMethod(method)) {
    reasons.push({ kind: 'method', name: method, message: `\`${method}\` is not one of the CORS-safelisted methods (\`GET\`, \`HEAD\`, \`POST\`).` });
  }
  if (headers !== null && (acrhNames === null || acrhNames.length > 0)) {
    let safelistedBytes = 0;
    const safelisted: string[] = [];
    for (let i = 0; i < headers.length; i++) {
      const line = headers[i] as HeaderLine;
      if (isForbiddenRequestHeader(line.name, line.value)) continue;
      if (acrhNames !== null && !acrhNames.includes(asciiLowercase(line.name))) continue;
      if (isCorsSafelistedRequestHeader(line.name, line.value)) {
        safelistedBytes += byteLength(line.value);
        safelisted.push(asciiLowercase(line.name));
      } else reasons.push(describeUnsafeHeader(line.name, line.value));
    }
    if (safelistedBytes > SAFELISTED_VALUES_BUDGET) {
      reasons.push({
        kind: 'total-length',
        name: safelisted.join(','),
        message: `The safelisted headers (${safelisted.map((n) => `\`${displayHeaderName(n)}\``).join(', ')}) total ${safelistedBytes} bytes, over the ${SAFELISTED_VALUES_BUDGET}-byte budget, so all of them need the preflight.`,
      });
    }
  } else if (acrhNames !== null) {
    for (const name of acrhNames) reasons.push(describeUnsafeName(name));
  }
  if (reasons.length === 0 && forcedPreflightObserved) {
    reasons.push({
      kind: 'forced',
      name: '',
      message:
        'The method and headers are all safelisted, yet a preflight was sent: it was forced (an upload listener on XMLHttpRequest, a streaming body, or a Private/Local Network Access preflight).',
    });
  }
  return reasons;
}
