/**
 * A structural check of HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/): the required
 * fields and their types, which is what HAR viewers and DevTools' HAR import rely on. Returns one
 * message per problem, empty when the log is valid.
 */
type Json = unknown;

function isRecord(value: Json): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

export function validateHar(har: Json): string[] {
  const problems: string[] = [];
  const need = (owner: Record<string, Json>, path: string, key: string, kind: 'string' | 'number' | 'boolean' | 'object' | 'array'): Json => {
    const value = owner[key];
    const where = `${path}.${key}`;
    if (value === undefined) problems.push(`${where}: missing`);
    else if (kind === 'array' ? !Array.isArray(value) : kind === 'object' ? !isRecord(value) : typeof value !== kind) {
      problems.push(`${where}: not ${kind === 'array' || kind === 'object' ? `an ${kind}` : `a ${kind}`}`);
    }
    return value;
  };
  const nameValues = (owner: Record<string, Json>, path: string, key: string): void => {
    const list = need(owner, path, key, 'array');
    if (!Array.isArray(list)) return;
    list.forEach((item, index) => {
      const where = `${path}.${key}[${index}]`;
      if (!isRecord(item)) return void problems.push(`${where}: not an object`);
      need(item, where, 'name', 'string');
      need(item, where, 'value', 'string');
    });
  };

  if (!isRecord(har) || !isRecord(har.log)) return ['log: missing'];
  const log = har.log;
  if (log.version !== '1.2') problems.push('log.version: not "1.2"');
  const creator = need(log, 'log', 'creator', 'object');
  if (isRecord(creator)) {
    need(creator, 'log.creator', 'name', 'string');
    need(creator, 'log.creator', 'version', 'string');
  }
  const pageIds = new Set<Json>();
  if (log.pages !== undefined) {
    const pages = need(log, 'log', 'pages', 'array');
    if (Array.isArray(pages)) {
      pages.forEach((page, index) => {
        const where = `log.pages[${index}]`;
        if (!isRecord(page)) return void problems.push(`${where}: not an object`);
        const started = need(page, where, 'startedDateTime', 'string');
        if (typeof started === 'string' && !ISO_8601.test(started)) problems.push(`${where}.startedDateTime: not ISO 8601`);
        pageIds.add(need(page, where, 'id', 'string'));
        need(page, where, 'title', 'string');
        need(page, where, 'pageTimings', 'object');
      });
    }
  }
  const entries = need(log, 'log', 'entries', 'array');
  if (!Array.isArray(entries)) return problems;
  entries.forEach((entry, index) => {
    const where = `log.entries[${index}]`;
    if (!isRecord(entry)) return void problems.push(`${where}: not an object`);
    if (entry.pageref !== undefined && !pageIds.has(entry.pageref)) problems.push(`${where}.pageref: no such page`);
    const started = need(entry, where, 'startedDateTime', 'string');
    if (typeof started === 'string' && !ISO_8601.test(started)) problems.push(`${where}.startedDateTime: not ISO 8601`);
    const time = need(entry, where, 'time', 'number');
    if (typeof time === 'number' && time < 0) problems.push(`${where}.time: negative`);

    const request = need(entry, where, 'request', 'object');
    if (isRecord(request)) {
      const path = `${where}.request`;
      need(request, path, 'method', 'string');
      const url = need(request, path, 'url', 'string');
      if (typeof url === 'string' && !/^[a-z][a-z0-9+.-]*:/i.test(url)) problems.push(`${path}.url: not absolute`);
      need(request, path, 'httpVersion', 'string');
      nameValues(request, path, 'cookies');
      nameValues(request, path, 'headers');
      nameValues(request, path, 'queryString');
      need(request, path, 'headersSize', 'number');
      need(request, path, 'bodySize', 'number');
    }

    const response = need(entry, where, 'response', 'object');
    if (isRecord(response)) {
      const path = `${where}.response`;
      need(response, path, 'status', 'number');
      need(response, path, 'statusText', 'string');
      need(response, path, 'httpVersion', 'string');
      nameValues(response, path, 'cookies');
      nameValues(response, path, 'headers');
      const content = need(response, path, 'content', 'object');
      if (isRecord(content)) {
        need(content, `${path}.content`, 'size', 'number');
        need(content, `${path}.content`, 'mimeType', 'string');
      }
      need(response, path, 'redirectURL', 'string');
      need(response, path, 'headersSize', 'number');
      need(response, path, 'bodySize', 'number');
    }

    need(entry, where, 'cache', 'object');
    const timings = need(entry, where, 'timings', 'object');
    if (isRecord(timings)) {
      for (const phase of ['send', 'wait', 'receive']) {
        const value = need(timings, `${where}.timings`, phase, 'number');
        if (typeof value === 'number' && value < 0) problems.push(`${where}.timings.${phase}: negative`);
      }
      for (const phase of ['blocked', 'dns', 'connect', 'ssl']) {
        const value = timings[phase];
        if (value !== undefined && (typeof value !== 'number' || value < -1)) problems.push(`${where}.timings.${phase}: not a number >= -1`);
      }
    }
  });
  return problems;
}
