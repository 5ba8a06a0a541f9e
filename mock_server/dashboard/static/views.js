// The three views: overview (timeline + tasks per provider), journal, one task.
import { h, replaceContent } from './dom.js';
import { STATES, STATE_GLYPH, STATE_HELP, clockTime, duration, isTerminal, isoTime } from './format.js';
import { renderJson, verdictText, violationList } from './jsonview.js';
import { legend, renderTimeline, timelineTable } from './timeline.js';

export function stateBadge(state, forced) {
  return h('span', { class: `state state-${state}`, title: STATE_HELP[state] || state, dataset: { state } },
    h('span', { class: 'glyph', 'aria-hidden': 'true' }, STATE_GLYPH[state] || '•'), ' ', state,
    forced ? ' (forced)' : '');
}

function taskLink(id, key) {
  return h('a', { href: `#/task/${encodeURIComponent(id)}`, dataset: { focusKey: key } }, h('code', {}, id));
}

function select(id, label, options, value, onchange) {
  return h('label', { for: id }, `${label} `,
    h('select', { id, onchange: (e) => onchange(e.target.value) },
      options.map(([v, text]) => h('option', { value: v, selected: v === value }, text))));
}

// -- overview ----------------------------------------------------------------------------

const WINDOWS = [['0', 'all tasks'], ['30', 'last 30 s'], ['120', 'last 2 min'],
  ['600', 'last 10 min'], ['3600', 'last hour']];

export function overviewFrame(app) {
  const f = app.filters;
  const providers = [['', 'all providers'], ...app.catalogue.providers.map((p) => [p, p])];
  const states = [['', 'any state'], ...STATES.map((st) => [st, `${STATE_GLYPH[st]} ${st}`])];
  return [
    h('section', { 'aria-labelledby': 'timeline-h', class: 'panel' },
      h('div', { class: 'panel-head' },
        h('h2', { id: 'timeline-h' }, 'Timeline'),
        select('tl-window', 'Show', WINDOWS, String(app.windowSeconds), (v) => {
          app.windowSeconds = Number(v);
          app.update();
        })),
      legend(),
      h('div', { id: 'timeline-region', class: 'timeline-wrap' }),
      h('details', { class: 'as-text' }, h('summary', {}, 'Timeline as text'),
        h('div', { id: 'timeline-text' }))),
    h('section', { 'aria-labelledby': 'tasks-h', class: 'panel' },
      h('div', { class: 'panel-head' }, h('h2', { id: 'tasks-h' }, 'Tasks'),
        h('span', { id: 'tasks-count', class: 'muted' })),
      h('div', { class: 'filters', role: 'search', 'aria-label': 'Filter tasks' },
        select('f-provider', 'Provider', providers, f.provider, (v) => { f.provider = v; app.update(); }),
        select('f-state', 'State', states, f.state, (v) => { f.state = v; app.update(); }),
        h('label', { for: 'f-text' }, 'Id, scenario or outcome ',
          h('input', { id: 'f-text', type: 'search', value: f.text, autocomplete: 'off',
            oninput: (e) => { f.text = e.target.value; app.update(); } }))),
      h('div', { id: 'tasks-region' })),
  ];
}

function matches(task, f) {
  if (f.provider && task.provider !== f.provider) return false;
  if (f.state && task.state !== f.state) return false;
  const text = f.text.trim().toLowerCase();
  if (!text) return true;
  return [task.id, task.scenario || '', task.outcome, task.provider_status || '']
    .some((v) => String(v).toLowerCase().includes(text));
}

function costText(cost) {
  if (!cost) return '—';
  const amount = cost.amount === null ? 'unpriced' : `${cost.amount} ${cost.unit}`;
  return cost.paid_not_collected ? `${amount} · paid, not collected` : amount;
}

function spendLine(rows) {
  if (!rows || !rows.length) return null;
  return h('p', { class: 'muted', id: 'spend' }, 'Spend: ', rows.map((r) =>
    `${r.provider} key ${r.owner.slice(0, 8)}…: ${r.spent} ${r.unit} over ${r.tasks} task(s)`
    + (r.paid_not_collected ? `, ${r.paid_not_collected} paid, not collected` : '')).join('; '));
}

function tasksTable(tasks, now) {
  return h('table', { class: 'data tasks' },
    h('thead', {}, h('tr', {}, ['Task', 'State', 'Provider status', 'Age', 'Outcome', 'Scenario',
      'Polls', 'Webhooks', 'Cost'].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, tasks.map((t) => {
      const hooks = t.webhook_attempts;
      const delivered = hooks.filter((a) => a.ok).length;
      return h('tr', { dataset: { taskId: t.id, state: t.state } },
        h('td', {}, taskLink(t.id, `task-${t.id}`)),
        h('td', {}, stateBadge(t.state, t.forced)),
        h('td', {}, h('code', {}, t.provider_status ?? '—')),
        h('td', { class: 'age' }, duration(now - t.created)),
        h('td', {}, t.outcome),
        h('td', {}, t.scenario || '—'),
        h('td', { class: 'num' }, String(t.exchanges.filter((e) => e.kind === 'poll').length)),
        h('td', {}, hooks.length ? `${delivered}/${hooks.length} delivered`
          : (t.webhook_pending.length ? 'due' : '—')),
        h('td', { class: 'num' }, costText(t.cost)));
    })));
}

export function updateOverview(app, main) {
  const snap = app.snap;
  const now = app.now();
  const region = main.querySelector('#timeline-region');
  if (!region) return;
  const shown = snap.tasks.filter((t) => matches(t, app.filters));
  const rows = shown.slice(0, 60);
  replaceContent(region, renderTimeline(rows, {
    now, width: region.clientWidth - 2, windowSeconds: app.windowSeconds, links: true,
    label: 'Timeline of tasks',
  }), shown.length > rows.length
    ? h('p', { class: 'muted' }, `The newest ${rows.length} of ${shown.length} tasks are drawn.`) : null);
  replaceContent(main.querySelector('#timeline-text'), timelineTable(rows, now));
  main.querySelector('#tasks-count').textContent =
    `${shown.length} shown of ${snap.task_count}${snap.task_count > snap.tasks.length ? ` (newest ${snap.tasks.length} loaded)` : ''}`;
  const groups = app.catalogue.providers.map((pid) => [pid, shown.filter((t) => t.provider === pid)])
    .filter(([, list]) => list.length);
  replaceContent(main.querySelector('#tasks-region'), spendLine(snap.spend), groups.length
    ? groups.map(([pid, list]) => h('section', { class: 'provider-group', 'aria-labelledby': `g-${pid}` },
      h('h3', { id: `g-${pid}` }, pid, h('span', { class: 'muted' }, ` (${list.length})`)),
      tasksTable(list, now)))
    : h('p', { class: 'empty' }, snap.task_count
      ? 'No task matches the filters.'
      : `No tasks yet. Point a client at a provider's base URL (${Object.entries(app.catalogue.prefixes)
        .map(([p, prefix]) => `${location.origin}${prefix || '/'} for ${p}`).join(', ')}) and submit.`));
}

// -- journal -----------------------------------------------------------------------------

export function journalFrame(app) {
  const f = app.journalFilters;
  const providers = [['', 'all providers'], ...app.catalogue.providers.map((p) => [p, p])];
  const verdicts = [['', 'any verdict'], ['invalid', '✗ invalid'], ['valid', '✓ valid'],
    ['none', 'not validated']];
  return h('section', { 'aria-labelledby': 'journal-h', class: 'panel' },
    h('div', { class: 'panel-head' }, h('h2', { id: 'journal-h' }, 'Journal'),
      h('span', { id: 'journal-count', class: 'muted' })),
    h('p', { class: 'muted' }, 'Every request the providers received, newest first, with the ' +
      'validation verdict and the answer sent. Keys are never kept: a copied curl reads the key ' +
      'from $VIDUKIT_API_KEY.'),
    h('div', { class: 'filters', role: 'search', 'aria-label': 'Filter the journal' },
      select('j-provider', 'Provider', providers, f.provider, (v) => { f.provider = v; app.update(); }),
      select('j-verdict', 'Verdict', verdicts, f.verdict, (v) => { f.verdict = v; app.update(); }),
      h('label', { for: 'j-text' }, 'Path or task ',
        h('input', { id: 'j-text', type: 'search', value: f.text, autocomplete: 'off',
          oninput: (e) => { f.text = e.target.value; app.update(); } }))),
    h('div', { id: 'journal-region' }));
}

function entryVerdict(entry) {
  const v = entry.validation;
  if (!v) return 'none';
  return v.valid ? 'valid' : 'invalid';
}

function keep(app, key, details) {
  details.open = app.open.has(key) || details.open;
  details.addEventListener('toggle', () => (details.open ? app.open.add(key) : app.open.delete(key)));
  return details;
}

export function journalEntry(app, entry, kind) {
  const verdict = entryVerdict(entry);
  const violations = entry.validation ? entry.validation.violations : null;
  const req = entry.request;
  const target = `${req.method} ${req.path}${req.query ? `?${req.query}` : ''}`;
  const status = entry.response.status;
  const bodies = h('div', { class: 'bodies' },
    h('div', {}, h('h4', {}, 'Request body'), renderJson(req.body, violations || [], `request ${entry.seq} body`)),
    h('div', {}, h('h4', {}, `Response body (HTTP ${status})`),
      renderJson(entry.response.body, [], `response ${entry.seq} body`)));
  const headers = h('pre', { class: 'headers' }, req.headers.map(([k, v]) => `${k}: ${v}`).join('\n'));
  const key = `entry-${entry.seq}`;
  return h('article', { class: `entry verdict-${verdict}`, 'aria-labelledby': `${key}-h`, dataset: { seq: entry.seq } },
    h('header', {},
      h('h3', { id: `${key}-h` },
        h('span', { class: 'seq' }, `#${entry.seq}`), ' ',
        kind ? h('span', { class: 'kind' }, kind) : null, kind ? ' ' : null,
        h('time', { datetime: isoTime(entry.time) }, clockTime(entry.time)), ' ',
        h('span', { class: 'provider' }, entry.provider), ' ',
        h('code', { class: 'target' }, target), ' → ',
        h('span', { class: `http s${String(status)[0]}xx` }, `HTTP ${status}`)),
      h('span', { class: `badge verdict-${verdict}` },
        verdict === 'invalid' ? '✗ ' : verdict === 'valid' ? '✓ ' : '– ',
        req.body === null && !violations ? 'no body' : verdictText(violations)),
      entry.fault ? h('span', { class: 'badge fault' }, `⚡ fault: ${entry.fault}`) : null,
      entry.tasks.length && !kind ? h('span', { class: 'tasks' }, 'task ',
        entry.tasks.map((id) => taskLink(id, `${key}-t-${id}`))) : null,
      entry.curl ? h('button', { type: 'button', class: 'copy-curl', dataset: { focusKey: `${key}-curl` },
        'aria-label': `Copy request ${entry.seq} as curl`, onclick: (e) => app.copyCurl(entry, e.currentTarget) },
      'Copy as curl') : h('span', { class: 'muted copy-curl' }, 'body too large to copy as curl')),
    violationList(violations),
    verdict === 'invalid' ? bodies
      : keep(app, `${key}-bodies`, h('details', {}, h('summary', { dataset: { focusKey: `${key}-sum` } }, 'Request and response'), bodies)),
    keep(app, `${key}-more`, h('details', {}, h('summary', { dataset: { focusKey: `${key}-more` } }, 'Headers and curl'),
      h('h4', {}, 'Request headers (keys redacted)'), headers,
      entry.curl ? [h('h4', {}, 'As curl'), h('pre', { class: 'curl' }, entry.curl)] : null)));
}

export function updateJournal(app, main) {
  const region = main.querySelector('#journal-region');
  if (!region) return;
  const f = app.journalFilters;
  const text = f.text.trim().toLowerCase();
  const entries = app.snap.journal.filter((e) => (!f.provider || e.provider === f.provider)
    && (!f.verdict || entryVerdict(e) === f.verdict)
    && (!text || `${e.request.path}?${e.request.query} ${e.tasks.join(' ')}`.toLowerCase().includes(text)));
  main.querySelector('#journal-count').textContent =
    `${entries.length} shown of ${app.snap.journal_count}` +
    (app.snap.journal_count > app.snap.journal.length ? ` (newest ${app.snap.journal.length} loaded)` : '');
  replaceContent(region, entries.length ? entries.map((e) => journalEntry(app, e))
    : h('p', { class: 'empty' }, 'No request matches.'));
}

// -- one task ----------------------------------------------------------------------------

function fact(term, ...value) {
  return [h('dt', {}, term), h('dd', {}, ...value)];
}

function forceControls(app, task) {
  const codes = app.catalogue.failure_codes[task.provider] || [];
  const finished = isTerminal(task.state);
  const id = task.id;
  const codeSelect = h('select', { id: 'force-code', disabled: finished, dataset: { focusKey: 'force-code' } },
    codes.map((c) => h('option', { value: c }, c)));
  const act = (body, label) => app.control(`force ${label}`, () => app.admin('POST', `../tasks/${encodeURIComponent(id)}/outcome`, body));
  return h('section', { class: 'panel', 'aria-labelledby': 'force-h' },
    h('h3', { id: 'force-h' }, 'Force an outcome'),
    finished ? h('p', { class: 'muted' }, `The task has ${task.state}; a finished task cannot change.`) : null,
    h('div', { class: 'button-row' },
      h('button', { type: 'button', disabled: finished, dataset: { focusKey: 'force-succeed' },
        onclick: () => act({ outcome: 'succeed' }, 'succeed') }, '✓ Succeed now'),
      h('label', { for: 'force-code' }, 'error code ', codeSelect),
      h('button', { type: 'button', disabled: finished, dataset: { focusKey: 'force-fail' },
        onclick: () => act({ outcome: 'fail', error_code: codeSelect.value || undefined }, 'fail') }, '✗ Fail now'),
      h('button', { type: 'button', disabled: finished, dataset: { focusKey: 'force-hold' },
        onclick: () => act({ outcome: 'stay-processing' }, 'stay-processing') }, '◐ Hold in processing')));
}

function attemptsTable(attempts) {
  if (!attempts.length) return h('p', { class: 'muted' }, 'No attempt yet.');
  const head = ['Attempt', 'Kind', 'At', 'Result', 'HTTP', 'Latency', 'Error'];
  return h('table', { class: 'data' },
    h('thead', {}, h('tr', {}, head.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, attempts.map((a) => h('tr', {},
      h('td', {}, String(a.attempt)), h('td', {}, a.kind), h('td', {}, a.at),
      h('td', {}, h('span', { class: `badge ${a.ok ? 'ok' : 'bad'}` }, a.ok ? '✓ delivered' : '✗ failed')),
      h('td', {}, a.status ?? '—'), h('td', {}, `${a.latency_ms} ms`), h('td', {}, a.error || '—')))));
}

function delivery(d) {
  const extra = [d.options ? `; options ${d.options}` : '',
    d.next_attempt_at ? `; next attempt ${d.next_attempt_at}` : ''].join('');
  return h('div', { class: 'delivery' },
    h('p', {}, h('strong', {}, d.state), ' to ', h('code', {}, d.url),
      ` (part ${d.part} of ${d.parts}; at most ${d.max_attempts} attempts${extra})`),
    attemptsTable(d.attempts),
    h('details', {}, h('summary', {}, 'Callback body'), renderJson(d.body, [], 'callback body')));
}

function webhooksSection(deliveries) {
  return h('section', { class: 'panel', 'aria-labelledby': 'hooks-h' },
    h('h3', { id: 'hooks-h' }, `Webhooks (${deliveries.length})`),
    deliveries.length ? deliveries.map(delivery)
      : h('p', { class: 'muted' }, 'This task registered no callback URL, or it has not finished.'));
}

export function renderTask(app, main, data) {
  const t = data.task;
  const summary = data.summary;
  const req = data.request;
  const now = data.clock.now;
  const polls = data.exchanges.filter((e) => e.kind === 'poll').length;
  replaceContent(main,
    h('p', {}, h('a', { href: '#/', dataset: { focusKey: 'back' } }, '← All tasks')),
    h('h2', { id: 'task-h' }, 'Task ', h('code', {}, t.id), ' ', stateBadge(t.state, t.forced)),
    h('dl', { class: 'facts' },
      fact('Provider', t.provider),
      fact('Provider status', h('code', {}, t.provider_status ?? '—')),
      fact('Outcome', t.outcome, t.forced ? ' (forced)' : ''),
      fact('Progression', t.progression),
      fact('Scenario', t.meta && t.meta.scenario ? t.meta.scenario : '—'),
      fact('Created', t.created_at, ` (${duration(now - summary.created)} ago on the mock clock)`),
      fact('States entered', Object.entries(t.entered).map(([st, at]) => `${st} ${at}`).join(' · ')),
      fact('Next change', t.next_change_at || (isTerminal(t.state) ? 'none: finished' : 'on a poll or a forced outcome')),
      fact('Polls', String(polls)),
      t.cost_usd !== null && t.cost_usd !== undefined ? fact('Cost (USD)', String(t.cost_usd)) : null),
    forceControls(app, t),
    h('section', { class: 'panel', 'aria-labelledby': 'task-tl-h' },
      h('h3', { id: 'task-tl-h' }, 'Timeline'), legend(),
      h('div', { class: 'timeline-wrap', id: 'task-timeline' })),
    h('section', { class: 'panel', 'aria-labelledby': 'req-h' },
      h('h3', { id: 'req-h' }, 'Request ', h('span', { class: `badge verdict-${req.violations && req.violations.some((v) => v.severity === 'error') ? 'invalid' : 'valid'}` }, verdictText(req.violations))),
      req.note ? h('p', { class: 'muted' }, req.note) : null,
      violationList(req.violations),
      renderJson(req.body, req.violations || [], 'submitted request body')),
    h('section', { class: 'panel', 'aria-labelledby': 'ex-h' },
      h('h3', { id: 'ex-h' }, `Submit, polls and responses (${data.exchanges.length})`),
      data.exchanges.length ? h('ol', { class: 'exchanges' }, data.exchanges.map((e, i) => h('li', {},
        journalEntry(app, e, e.kind === 'submit' ? 'submit' : `poll ${i}`))))
        : h('p', { class: 'muted' }, 'The journal no longer holds this task\'s requests.')),
    webhooksSection(data.webhooks));
  const region = main.querySelector('#task-timeline');
  replaceContent(region, renderTimeline([summary], { now, width: region.clientWidth - 2, links: false, label: `Timeline of task ${t.id}` }));
}
