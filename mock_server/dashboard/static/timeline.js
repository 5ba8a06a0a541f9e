// The timeline: one row per task, a bar per state across mock time (pattern + colour +
// the state's name at the row's end), poll ticks above the bar, webhook attempts below.
import { h, s } from './dom.js';
import { STATES, STATE_GLYPH, clockTime, duration, isTerminal, shortId } from './format.js';

const ROW = 34;
const TOP = 30;
const BOTTOM = 10;
const LABEL = 190;
const RIGHT = 130;
const BAR = 12;
const STEPS = [0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200,
  14400, 43200, 86400];

// Patterns shared by every SVG on the page (timeline and legend), defined once.
export function patternDefs() {
  const hatch = (id, base, line, angle) => s('pattern', {
    id, width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: `rotate(${angle})`,
  }, s('rect', { width: 6, height: 6, fill: base }),
  s('line', { x1: 0, y1: 0, x2: 0, y2: 6, stroke: line, 'stroke-width': 2 }));
  return s('svg', { width: 0, height: 0, class: 'defs', 'aria-hidden': 'true', focusable: 'false' },
    s('defs', {},
      hatch('tl-queued', '#dfe7f1', '#5a6b82', 45),
      hatch('tl-processing', '#f7c948', '#9c6500', -45),
      s('pattern', { id: 'tl-succeeded', width: 6, height: 6, patternUnits: 'userSpaceOnUse' },
        s('rect', { width: 6, height: 6, fill: '#2f855a' })),
      s('pattern', { id: 'tl-failed', width: 8, height: 8, patternUnits: 'userSpaceOnUse' },
        s('rect', { width: 8, height: 8, fill: '#c53030' }),
        s('path', { d: 'M0 0L8 8M8 0L0 8', stroke: '#ffffff', 'stroke-width': 1.3 }))));
}

export function swatch(state) {
  return s('svg', { width: 28, height: 14, class: 'swatch', 'aria-hidden': 'true', focusable: 'false' },
    s('rect', { x: 0.5, y: 0.5, width: 27, height: 13, fill: `url(#tl-${state})`, stroke: '#1a202c' }));
}

function markSymbol(kind) {
  const svg = s('svg', { width: 14, height: 14, class: 'swatch', 'aria-hidden': 'true', focusable: 'false' });
  if (kind === 'poll') svg.append(s('path', { d: 'M2 3L12 3L7 11Z', fill: '#1a202c' }));
  if (kind === 'poll-error') svg.append(s('path', { d: 'M2 2L12 12M12 2L2 12', stroke: '#1a202c', 'stroke-width': 2 }));
  if (kind === 'hook-ok') svg.append(s('path', { d: 'M7 1L13 7L7 13L1 7Z', fill: '#2b6cb0', stroke: '#1a202c' }));
  if (kind === 'hook-failed') svg.append(s('path', { d: 'M7 1L13 7L7 13L1 7Z', fill: '#ffffff', stroke: '#c53030', 'stroke-width': 2 }));
  if (kind === 'hook-pending') svg.append(s('path', { d: 'M7 1L13 7L7 13L1 7Z', fill: 'none', stroke: '#4a5568', 'stroke-dasharray': '2 2' }));
  if (kind === 'now') svg.append(s('line', { x1: 7, y1: 0, x2: 7, y2: 14, stroke: '#2b6cb0', 'stroke-dasharray': '3 2', 'stroke-width': 2 }));
  return svg;
}

export function legend() {
  const item = (icon, text) => h('li', {}, icon, ' ', text);
  return h('ul', { class: 'legend', 'aria-label': 'Timeline legend' },
    STATES.map((state) => item(swatch(state), `${STATE_GLYPH[state]} ${state}`)),
    item(markSymbol('poll'), 'poll'),
    item(markSymbol('poll-error'), 'poll answered with an error or fault'),
    item(markSymbol('hook-ok'), 'webhook attempt delivered'),
    item(markSymbol('hook-failed'), 'webhook attempt failed'),
    item(markSymbol('hook-pending'), 'webhook due'),
    item(markSymbol('now'), 'now'));
}

// The states a task went through, as [state, from, to] on the mock's clock.
export function segments(task, now) {
  const entered = task.entered || {};
  const order = STATES.filter((st) => entered[st] !== undefined)
    .sort((a, b) => entered[a] - entered[b] || STATES.indexOf(a) - STATES.indexOf(b));
  return order.map((state, i) => {
    const from = entered[state];
    const to = isTerminal(state) ? from : (i + 1 < order.length ? entered[order[i + 1]] : now);
    return [state, from, Math.max(from, to)];
  });
}

function niceStep(span, width) {
  const wanted = span / Math.max(2, Math.floor(width / 90));
  return STEPS.find((step) => step >= wanted) || STEPS[STEPS.length - 1];
}

function rowDescription(task, now) {
  const parts = segments(task, now).filter(([st]) => !isTerminal(st))
    .map(([st, from, to]) => `${st} for ${duration(to - from)}`);
  const polls = task.exchanges.filter((e) => e.kind === 'poll');
  const hooks = task.webhook_attempts;
  const delivered = hooks.filter((a) => a.ok).length;
  return `${task.provider} task ${task.id}: ${task.state}${task.forced ? ' (forced)' : ''}; ` +
    `${parts.join(', ') || 'no time in queue'}; ${polls.length} poll${polls.length === 1 ? '' : 's'}; ` +
    `${hooks.length} webhook attempt${hooks.length === 1 ? '' : 's'}` +
    (hooks.length ? ` (${delivered} delivered)` : '');
}

// *tasks*: the snapshot's task summaries. opts: {now, width, windowSeconds, links, label}.
export function renderTimeline(tasks, opts) {
  const now = opts.now;
  const width = Math.max(560, Math.floor(opts.width || 900));
  const from = opts.windowSeconds ? now - opts.windowSeconds : -Infinity;
  const rows = tasks.filter((t) => (t.finished ?? now) >= from)
    .sort((a, b) => a.created - b.created || (a.id < b.id ? -1 : 1));
  const label = opts.label || 'Timeline';
  if (!rows.length) {
    return h('p', { class: 'empty' }, opts.windowSeconds
      ? 'No task was alive in this window.' : 'No tasks yet.');
  }
  const t0 = Math.max(Math.min(...rows.map((t) => t.created)), from);
  const events = rows.flatMap((t) => [t.finished ?? now,
    ...t.exchanges.map((e) => e.time), ...t.webhook_attempts.map((a) => a.time)]);
  const t1 = Math.max(now, ...events);
  const span = Math.max(t1 - t0, 1) * 1.02;
  const plot = width - LABEL - RIGHT;
  const x = (t) => LABEL + Math.max(0, Math.min(1, (t - t0) / span)) * plot;
  const height = TOP + rows.length * ROW + BOTTOM;

  const svg = s('svg', {
    class: 'timeline', width, height, viewBox: `0 0 ${width} ${height}`, role: 'group',
    'aria-label': `${label}: ${rows.length} task${rows.length === 1 ? '' : 's'} from ` +
      `${clockTime(t0)} to ${clockTime(t1)} (mock clock, UTC)`,
  });
  const axis = s('g', { class: 'axis', 'aria-hidden': 'true' });
  const step = niceStep(span, plot);
  for (let k = 0; k * step <= span; k += 1) {
    const xx = x(t0 + k * step);
    axis.append(s('line', { x1: xx, x2: xx, y1: TOP - 6, y2: height - BOTTOM, class: 'grid' }),
      s('text', { x: xx, y: TOP - 10, 'text-anchor': 'middle' },
        k === 0 ? clockTime(t0).slice(0, 8) : `+${duration(k * step)}`));
  }
  const nowX = x(now);
  axis.append(s('line', { x1: nowX, x2: nowX, y1: TOP - 4, y2: height - BOTTOM, class: 'now' }),
    s('text', { x: Math.min(nowX + 3, width - 30), y: height - 1, class: 'now-label' }, 'now'));
  svg.append(axis);

  rows.forEach((task, i) => {
    const y = TOP + i * ROW + 10;
    const row = opts.links
      ? s('a', { href: `#/task/${encodeURIComponent(task.id)}`, class: 'row', dataset: { focusKey: `tl-${task.id}`, state: task.state } })
      : s('g', { class: 'row', dataset: { state: task.state } });
    row.setAttribute('aria-label', rowDescription(task, now));
    row.append(s('rect', { x: 0, y: y - 9, width, height: ROW - 2, class: 'row-bg' }),
      s('text', { x: 6, y: y + BAR - 2, class: 'row-label' },
        s('tspan', { class: 'row-provider' }, `${task.provider} `), shortId(task.id)));
    for (const [state, a, b] of segments(task, now)) {
      const left = x(a);
      const w = isTerminal(state) ? 8 : Math.max(2, x(b) - left);
      row.append(s('rect', {
        x: left, y, width: w, height: BAR, fill: `url(#tl-${state})`, class: `seg seg-${state}`,
        dataset: { state },
      }, s('title', {}, isTerminal(state) ? `${state} at ${clockTime(a)}`
        : `${state} from ${clockTime(a)} for ${duration(b - a)}`)));
    }
    for (const ex of task.exchanges) {
      if (ex.kind !== 'poll') continue;
      const px = x(ex.time);
      const bad = ex.status >= 400 || ex.fault;
      row.append(bad
        ? s('path', { d: `M${px - 3} ${y - 8}L${px + 3} ${y - 2}M${px + 3} ${y - 8}L${px - 3} ${y - 2}`, class: 'poll poll-error' },
          s('title', {}, `poll at ${clockTime(ex.time)}: HTTP ${ex.status}${ex.fault ? ` (${ex.fault})` : ''}`))
        : s('path', { d: `M${px - 4} ${y - 9}L${px + 4} ${y - 9}L${px} ${y - 2}Z`, class: 'poll' },
          s('title', {}, `poll at ${clockTime(ex.time)}: HTTP ${ex.status}`)));
    }
    const diamond = (cx, cy, cls, title) => s('path', {
      d: `M${cx} ${cy - 5}L${cx + 5} ${cy}L${cx} ${cy + 5}L${cx - 5} ${cy}Z`, class: cls,
    }, s('title', {}, title));
    for (const at of task.webhook_attempts) {
      row.append(diamond(x(at.time), y + BAR + 6, at.ok ? 'hook hook-ok' : 'hook hook-failed',
        `webhook attempt ${at.attempt} (${at.kind}) at ${clockTime(at.time)}: ` +
        (at.ok ? `delivered, HTTP ${at.status}` : `failed: ${at.error || `HTTP ${at.status}`}`)));
    }
    for (const due of task.webhook_pending) {
      if (due.time <= t0 + span) {
        row.append(diamond(x(due.time), y + BAR + 6, 'hook hook-pending',
          `webhook ${due.state}, due at ${clockTime(due.time)}`));
      }
    }
    row.append(s('text', { x: width - RIGHT + 8, y: y + BAR - 1, class: `row-state state-${task.state}` },
      `${STATE_GLYPH[task.state] || ''} ${task.state}${task.forced ? ' (forced)' : ''}`));
    svg.append(row);
  });
  return svg;
}

// The same facts as a table, for reading with a screen reader or copying.
export function timelineTable(tasks, now) {
  return h('table', { class: 'data' },
    h('caption', {}, 'Timeline as text (times on the mock clock, UTC)'),
    h('thead', {}, h('tr', {}, ['Task', 'Created', 'Queued', 'Processing', 'Ended', 'Polls at', 'Webhook attempts']
      .map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, tasks.map((t) => {
      const segs = Object.fromEntries(segments(t, now).map(([st, a, b]) => [st, [a, b]]));
      const spent = (st) => (segs[st] ? duration(segs[st][1] - segs[st][0]) : '—');
      const end = t.finished ? `${t.state} at ${clockTime(t.finished)}` : `still ${t.state}`;
      return h('tr', {},
        h('td', {}, `${t.provider} ${t.id}`), h('td', {}, clockTime(t.created)),
        h('td', {}, spent('queued')), h('td', {}, spent('processing')), h('td', {}, end),
        h('td', {}, t.exchanges.filter((e) => e.kind === 'poll').map((e) => clockTime(e.time)).join(', ') || '—'),
        h('td', {}, t.webhook_attempts.map((a) => `${clockTime(a.time)} ${a.ok ? 'delivered' : 'failed'}`).join(', ') || '—'));
    })));
}
