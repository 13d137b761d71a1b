// The dashboard's entry point: the API key field and a small client-side router. Each view is
// a function (container, params) → cleanup, so leaving a page stops its polling and streams.
import { apiKey, setApiKey } from './api.js';
import { homeView, queuesView, renderListView, runListView } from './list-views.js';
import { renderView } from './render-view.js';
import { runView } from './run-view.js';

const ROUTES = [
  [/^\/(?:dashboard\/?)?$/, homeView],
  [/^\/dashboard\/runs\/?$/, runListView],
  [/^\/dashboard\/runs\/([^/]+)\/?$/, runView],
  [/^\/dashboard\/renders\/?$/, renderListView],
  [/^\/dashboard\/renders\/([^/]+)\/?$/, renderView],
  [/^\/dashboard\/queues\/?$/, queuesView],
];

const main = document.getElementById('view');
let cleanup = () => {};

function show() {
  cleanup();
  cleanup = () => {};
  const path = location.pathname;
  for (const link of document.querySelectorAll('.topbar nav a')) {
    link.classList.toggle('active', link.getAttribute('href') !== '/' && path.startsWith(link.getAttribute('href')));
  }
  for (const [pattern, view] of ROUTES) {
    const match = pattern.exec(path);
    if (match) {
      main.replaceChildren();
      cleanup = view(main, match.slice(1).map(decodeURIComponent)) ?? (() => {});
      return;
    }
  }
  main.replaceChildren(Object.assign(document.createElement('p'), { textContent: `No page at ${path}.` }));
}

// Same-page navigation for links marked data-link (and any link under the dashboard's paths).
document.addEventListener('click', (event) => {
  const link = event.target.closest?.('a[href]');
  if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
  const url = new URL(link.href, location.href);
  if (url.origin !== location.origin || !ROUTES.some(([pattern]) => pattern.test(url.pathname))) return;
  event.preventDefault();
  if (url.pathname !== location.pathname) history.pushState(null, '', url.pathname);
  show();
});
window.addEventListener('popstate', show);

// The API key: stored in this browser only, sent with every API call.
const form = document.getElementById('api-key-form');
const input = document.getElementById('api-key');
const reflectKey = () => {
  input.value = apiKey();
  form.classList.toggle('is-set', Boolean(apiKey()));
};
form.addEventListener('submit', (event) => {
  event.preventDefault();
  setApiKey(input.value.trim());
  reflectKey();
  show();
});
document.getElementById('api-key-clear').addEventListener('click', () => {
  setApiKey('');
  reflectKey();
  show();
});
reflectKey();
show();
