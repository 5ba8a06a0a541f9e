// The dashboard: polls the mock for a snapshot, renders the current view, runs the controls.
import { ApiError, call, get } from './api.js';
import { h, replaceContent } from './dom.js';
import { clockTime, isTerminal } from './format.js';
import { patternDefs } from './timeline.js';
import {
  journalFrame, overviewFrame, renderTask, updateJournal, updateOverview,
} from './views.js';

const POLL_MS = 500;
const HIDDEN_POLL_MS = 5000;

const main = document.getElementById('main');
const live = document.getElementById('live');
const status = document.getElementById('control-status');

const app = {
  snap: null,
  catalogue: null,
  received: 0,
  version: null,
  route: null,
  task: null,
  filters: { provider: '', state: '', text: '' },
  journalFilters: { provider: '', verdict: '', text: '' },
  windowSeconds: 0,
  open: new Set(),
  framed: null, // the view whose frame (headings, filters) main holds

  // The mock's "now": a real clock keeps moving between snapshots, a virtual one does not.
  now() {
    const clock = this.snap.clock;
    return clock.now + (clock.kind === 'real' ? (performance.now() - this.received) / 1000 : 0);
  },

  admin(method, path, body) {
    return call(method, path, body);
  },

  // Run one control action, say what happened, then refresh at once (not at the next poll).
  async control(what, action) {
    say(`${what}…`);
    try {
      const result = await action();
      say(`${what}: done`);
      await refresh(true);
      return result;
    } catch (err) {
      say(`${what} failed: ${err instanceof ApiError ? err.message : String(err)}`, true);
      return null;
    }
  },

  async copyCurl(entry, button) {
    const text = entry.curl;
    let copied = false;
    try {
      await navigator.clipboard.writeText(text);
      copied = true;
    } catch {
      const area = h('textarea', { class: 'offscreen', readonly: true });
      area.value = text;
      document.body.append(area);
      area.select();
      copied = document.execCommand('copy');
      area.remove();
    }
    say(copied ? `Copied request #${entry.seq} as curl` : 'Could not reach the clipboard: the command is under "Headers and curl"', !copied);
    if (copied) {
      button.textContent = 'Copied ✓';
      setTimeout(() => { button.textContent = 'Copy as curl'; }, 1500);
    }
  },

  update() {
    render(false);
  },
};

function say(text, bad) {
  status.textContent = text;
  status.classList.toggle('bad', Boolean(bad));
}

// -- routing ---------------------------------------------------------------------------

function parseRoute() {
  const hash = location.hash || '#/';
  const task = /^#\/task\/(.+)$/.exec(hash);
  if (task) return { view: 'task', id: decodeURIComponent(task[1]) };
  if (hash.startsWith('#/journal')) return { view: 'journal' };
  return { view: 'overview' };
}

function markNav(view) {
  for (const link of document.querySelectorAll('nav.views a')) {
    const current = link.dataset.view === view;
    if (current) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

async function loadTask() {
  const id = app.route.id;
  try {
    const data = await get(`api/tasks/${encodeURIComponent(id)}`);
    if (app.route.view === 'task' && app.route.id === id) {
      app.task = data;
      renderTask(app, main, data);
    }
  } catch (err) {
    replaceContent(main, h('p', {}, h('a', { href: '#/' }, '← All tasks')),
      h('p', { class: 'empty', role: 'alert' }, err instanceof ApiError ? err.message : String(err)));
  }
}

// Build the view's frame when the route changed (*fresh*), then fill in the live parts.
function render(fresh) {
  if (!app.snap || !app.catalogue) return;
  const route = app.route;
  if (route.view === 'task') {
    app.framed = null;
    loadTask();
    return;
  }
  if (fresh || app.framed !== route.view) {
    replaceContent(main, route.view === 'journal' ? journalFrame(app) : overviewFrame(app));
    app.framed = route.view;
  }
  if (route.view === 'journal') updateJournal(app, main);
  else updateOverview(app, main);
}

function navigate() {
  app.route = parseRoute();
  markNav(app.route.view);
  document.title = `${{ overview: 'Tasks', journal: 'Journal', task: 'Task' }[app.route.view]} · vidukit mock`;
  render(true);
}

// -- live updates ----------------------------------------------------------------------

function showClock() {
  const clock = app.snap.clock;
  document.getElementById('clock-now').textContent =
    `${clockTime(clock.now)} UTC · ${clock.iso.slice(0, 10)} (${clock.kind} clock)`;
}

async function refresh(force) {
  const since = force || !app.version ? '' : `?since=${app.version}`;
  const snap = await get(`api/snapshot${since}`);
  live.textContent = `Live: updated ${new Date().toLocaleTimeString()}`;
  live.classList.remove('bad');
  if (!snap.changed) return;
  app.snap = snap;
  app.version = snap.version;
  app.received = performance.now();
  showClock();
  showPending();
  render(false);
}

async function poll() {
  try {
    await refresh(false);
  } catch (err) {
    live.textContent = `Not connected (${err instanceof ApiError ? err.message : 'the mock does not answer'}); retrying`;
    live.classList.add('bad');
  }
  setTimeout(poll, document.hidden ? HIDDEN_POLL_MS : POLL_MS);
}

// A real clock moves without any request: redraw ages and bars of unfinished tasks.
function tick() {
  if (app.snap && app.snap.clock.kind === 'real' && app.route.view === 'overview'
      && app.snap.tasks.some((t) => !isTerminal(t.state))) {
    updateOverview(app, main);
  }
}

// -- controls --------------------------------------------------------------------------

function advance(seconds) {
  return app.control(`Advance the clock by ${seconds} s`, () => call('POST', '../clock/advance', { seconds }));
}

function setUpClock() {
  const virtual = app.catalogue.clock === 'virtual';
  for (const button of document.querySelectorAll('[data-advance]')) {
    button.disabled = !virtual;
    button.addEventListener('click', () => advance(Number(button.dataset.advance)));
  }
  const custom = document.getElementById('advance-seconds');
  custom.disabled = !virtual;
  const go = document.getElementById('advance-go');
  go.disabled = !virtual;
  go.addEventListener('click', () => {
    const seconds = Number(custom.value);
    if (!Number.isFinite(seconds) || seconds < 0) {
      say('Enter a number of seconds, 0 or more', true);
      custom.focus();
      return;
    }
    advance(seconds);
  });
  if (!virtual) {
    document.getElementById('clock-note').textContent =
      'The real clock cannot be moved: start the mock with --clock virtual.';
  }
}

function setUpReset() {
  const button = document.getElementById('reset');
  let armed = null;
  button.addEventListener('click', async () => {
    if (!armed) {
      button.textContent = 'Confirm reset';
      button.setAttribute('aria-pressed', 'true');
      say('Press "Confirm reset" within 5 s to forget every task, the journal and the webhooks.');
      armed = setTimeout(() => {
        armed = null;
        button.textContent = 'Reset…';
        button.removeAttribute('aria-pressed');
      }, 5000);
      return;
    }
    clearTimeout(armed);
    armed = null;
    button.textContent = 'Reset…';
    button.removeAttribute('aria-pressed');
    await app.control('Reset the mock', () => call('POST', '../reset'));
  });
}

function setUpScenarios() {
  const name = document.getElementById('sc-name');
  const families = { task: 'Task scenarios (the next tasks)', request: 'Request scenarios (the next requests)' };
  for (const [family, label] of Object.entries(families)) {
    name.append(h('optgroup', { label }, app.catalogue.scenarios.filter((s) => s.family === family)
      .map((s) => h('option', { value: s.name, title: s.doc }, s.name))));
  }
  const provider = document.getElementById('sc-provider');
  provider.append(...app.catalogue.providers.map((p) => h('option', { value: p }, p)));
  document.getElementById('scenario-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const params = document.getElementById('sc-params').value.trim().replace(/^;/, '');
    const body = {
      scenario: params ? `${name.value};${params}` : name.value,
      count: Number(document.getElementById('sc-count').value) || 1,
    };
    if (provider.value) body.provider = provider.value;
    const on = document.getElementById('sc-on').value;
    if (on) body.on = on;
    app.control(`Set scenario ${body.scenario}`, () => call('POST', '../scenarios', body));
  });
  document.getElementById('sc-clear').addEventListener('click',
    () => app.control('Clear pending scenarios', () => call('DELETE', '../scenarios')));
}

function showPending() {
  const pending = app.snap.scenarios.pending;
  replaceContent(document.getElementById('sc-pending'), pending.length
    ? pending.map((p) => h('li', {}, h('code', {}, p.scenario), ` for the next ${p.remaining} ${p.for}`,
      p.provider ? ` of ${p.provider}` : ''))
    : h('li', { class: 'muted' }, 'none pending'));
}

function setUpSkipLink() {
  document.getElementById('skip').addEventListener('click', (event) => {
    event.preventDefault();
    main.focus();
  });
}

async function start() {
  document.body.prepend(patternDefs());
  setUpSkipLink();
  try {
    app.catalogue = await get('api/catalogue');
  } catch (err) {
    live.textContent = `Cannot load the dashboard: ${err.message}`;
    live.classList.add('bad');
    return;
  }
  setUpClock();
  setUpReset();
  setUpScenarios();
  app.route = parseRoute();
  window.addEventListener('hashchange', navigate);
  try {
    await refresh(true);
  } catch {
    // poll() reports it and retries
  }
  navigate();
  setTimeout(poll, POLL_MS);
  setInterval(tick, 1000);
  let resizing = null;
  window.addEventListener('resize', () => {
    clearTimeout(resizing);
    resizing = setTimeout(() => app.update(), 150);
  });
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden) refresh(false).catch(() => {});
  });
}

start();
