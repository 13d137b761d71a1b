// Live updates for one job: its SSE stream while it runs, polling when the stream cannot be
// had (a proxy that buffers, a dropped connection), and one last refresh when it ends.
import { every, followEvents } from './api.js';

const POLL_MS = 2000;

/**
 * @param {object} options
 * @param {string} options.eventsPath           e.g. /v1/renders/<id>/events
 * @param {(type: string, data: any) => void} options.onEvent
 * @param {() => Promise<boolean>} options.refresh  reloads the job; resolves true once it has ended
 * @param {(state: 'streaming'|'polling'|'ended') => void} options.onState
 * @returns {() => void} stop
 */
export function followJob({ eventsPath, onEvent, refresh, onState }) {
  let stopped = false;
  let stopPolling = null;
  const poll = () => {
    if (stopped || stopPolling) return;
    onState('polling');
    stopPolling = every(POLL_MS, async () => {
      if (await refresh()) {
        stopPolling?.();
        onState('ended');
      }
    });
  };
  onState('streaming');
  const stream = followEvents(eventsPath, {
    onEvent,
    onClose: (error) => {
      if (stopped) return;
      if (error) return poll();
      refresh().then(
        (ended) => (ended ? onState('ended') : poll()),
        () => poll(),
      );
    },
  });
  return () => {
    stopped = true;
    stream.close();
    stopPolling?.();
  };
}

/** Runs `task` at most once per `ms`; a call during the wait is served by the pending run. */
export function throttle(ms, task) {
  let timer = 0;
  let last = 0;
  const call = () => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = 0;
      last = Date.now();
      task();
    }, Math.max(0, last + ms - Date.now()));
  };
  call.cancel = () => {
    clearTimeout(timer);
    timer = 0;
  };
  return call;
}

export function liveIndicator() {
  const element = document.createElement('span');
  element.className = 'live';
  element.dataset.live = '';
  const set = (state) => {
    element.dataset.live = state;
    element.classList.toggle('on', state === 'streaming' || state === 'polling');
    element.textContent = { streaming: 'live', polling: 'live (polling)', ended: 'finished', static: '' }[state] ?? state;
  };
  return { element, set };
}
