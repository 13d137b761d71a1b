// Talking to the Facestyle API from the browser: JSON fetches and images with the API key the
// user entered (kept in localStorage, sent as `Authorization: Bearer`), and Server-Sent Events
// read through fetch, because EventSource cannot send that header.

const KEY_STORAGE = 'facestyle.apiKey';

export function apiKey() {
  try {
    return localStorage.getItem(KEY_STORAGE) ?? '';
  } catch {
    return '';
  }
}

export function setApiKey(key) {
  if (key) localStorage.setItem(KEY_STORAGE, key);
  else localStorage.removeItem(KEY_STORAGE);
  imageCache.clear();
}

export function authHeaders() {
  const key = apiKey();
  return key ? { Authorization: `Bearer ${key}` } : {};
}

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
  }
}

/** GET (or another method) on the API; resolves to the parsed JSON, rejects with ApiError. */
export async function api(path, init = {}) {
  const response = await fetch(path, { ...init, headers: { Accept: 'application/json', ...authHeaders(), ...(init.headers ?? {}) } });
  const text = await response.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = { message: text };
  }
  if (!response.ok) {
    const message = body?.message ?? `${response.status} ${response.statusText}`;
    throw new ApiError(response.status, response.status === 401 ? `${message} (enter a key at the top right)` : message);
  }
  return body;
}

// Object URLs of images fetched with the key, by API path; PNGs of finished iterations never change.
const imageCache = new Map();

/** An <img>-ready URL for an API image: fetched with the key, so it works with auth on. */
export async function imageUrl(path, { cache = true } = {}) {
  if (cache && imageCache.has(path)) return imageCache.get(path);
  const response = await fetch(path, { headers: authHeaders() });
  if (!response.ok) throw new ApiError(response.status, `${path}: ${response.status}`);
  const url = URL.createObjectURL(await response.blob());
  if (cache) imageCache.set(path, url);
  return url;
}

/** Downloads an API file (e.g. a checkpoint's model.json) with the key, under `fileName`. */
export async function download(path, fileName) {
  const response = await fetch(path, { headers: authHeaders() });
  if (!response.ok) throw new ApiError(response.status, `${path}: ${response.status}`);
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * Follows an SSE endpoint (`snapshot`, `update`, `history`, `end`) with fetch streaming.
 * `onEvent(type, data)` gets each event; `onClose(error?)` is called once when the stream ends
 * (after `end`, or on an error: the caller then falls back to polling).
 */
export function followEvents(path, { onEvent, onClose }) {
  const controller = new AbortController();
  let closed = false;
  const finish = (error) => {
    if (closed) return;
    closed = true;
    onClose?.(error);
  };
  (async () => {
    const response = await fetch(path, { headers: { Accept: 'text/event-stream', ...authHeaders() }, signal: controller.signal });
    if (!response.ok || !response.body) throw new ApiError(response.status, `${path}: ${response.status}`);
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value.replace(/\r\n?/g, '\n');
      let boundary;
      while ((boundary = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, boundary);
        buffer = buffer.slice(boundary + 2);
        const event = parseEventBlock(block);
        if (event) onEvent(event.type, event.data);
      }
    }
  })().then(
    () => finish(),
    (error) => finish(controller.signal.aborted ? undefined : error),
  );
  return {
    close() {
      closed = true;
      controller.abort();
    },
  };
}

function parseEventBlock(block) {
  let type = 'message';
  const data = [];
  for (const line of block.split('\n')) {
    if (!line || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') type = value;
    else if (field === 'data') data.push(value);
  }
  if (data.length === 0) return null;
  try {
    return { type, data: JSON.parse(data.join('\n')) };
  } catch {
    return null;
  }
}

/**
 * Calls `task` now and then every `ms` while the page is visible, never two at once.
 * Returns a function that stops it.
 */
export function every(ms, task) {
  let timer = 0;
  let stopped = false;
  const tick = async () => {
    if (stopped) return;
    if (document.visibilityState !== 'hidden') {
      try {
        await task();
      } catch {
        // The task shows its own errors; keep polling.
      }
    }
    if (!stopped) timer = setTimeout(tick, ms);
  };
  void tick();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
