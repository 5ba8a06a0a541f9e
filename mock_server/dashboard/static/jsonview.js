// A JSON body as indented text, with each violation marked on the line of the field it is
// about and spelled out there ("✗ error duration.maximum: ..."), so it reads without colour.
import { h } from './dom.js';

const MAX_STRING = 600; // the server cuts long strings already (snapshot.MAX_SHOWN)
const SEVERITY_GLYPH = { error: '✗', warning: '⚠', note: 'ℹ' };
const SEVERITY_RANK = { error: 0, warning: 1, note: 2 };

export function childPointer(pointer, key) {
  return `${pointer}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

function collect(value, pointer, into) {
  into.add(pointer);
  if (Array.isArray(value)) value.forEach((v, i) => collect(v, childPointer(pointer, i), into));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) collect(v, childPointer(pointer, k), into);
  }
}

function push(map, key, item) {
  if (!map.has(key)) map.set(key, []);
  map.get(key).push(item);
}

// Where each violation is shown: on its field's line; a missing required field as a line
// of its own inside its object; an undeclared field on that field; otherwise on the
// nearest enclosing line that exists.
export function placeViolations(violations, pointers) {
  const at = new Map();
  const missing = new Map();
  for (const v of violations) {
    let pointer = v.path || '';
    if (v.rule.endsWith('.required') && pointers.has(pointer)) {
      const name = /"([^"]+)" is a required property/.exec(v.message);
      if (name) {
        push(missing, pointer, { name: name[1], violation: v });
        continue;
      }
    }
    if (v.rule === 'unknown-field') {
      const names = [...v.message.matchAll(/'([^']+)'/g)].map((m) => m[1]);
      const found = names.map((n) => childPointer(pointer, n)).filter((p) => pointers.has(p));
      if (found.length) {
        found.forEach((p) => push(at, p, v));
        continue;
      }
    }
    while (pointer && !pointers.has(pointer)) pointer = pointer.slice(0, pointer.lastIndexOf('/'));
    push(at, pointer, v);
  }
  return { at, missing };
}

function scalar(value) {
  if (typeof value === 'string') {
    const shown = value.length > MAX_STRING
      ? `${value.slice(0, MAX_STRING)}… (${value.length} characters)` : value;
    return h('span', { class: 'j-str' }, JSON.stringify(shown));
  }
  if (value === null) return h('span', { class: 'j-null' }, 'null');
  if (typeof value === 'number') return h('span', { class: 'j-num' }, String(value));
  return h('span', { class: 'j-bool' }, String(value));
}

function worst(violations) {
  return violations.map((v) => v.severity).sort((a, b) => SEVERITY_RANK[a] - SEVERITY_RANK[b])[0];
}

function notes(violations) {
  return violations.map((v) => h('span', { class: `j-note ${v.severity}` },
    `  ← ${SEVERITY_GLYPH[v.severity] || ''} ${v.severity} ${v.rule}: ${v.message}`));
}

// *value* as a <pre>; *violations* are the validator's {path, rule, message, severity}.
export function renderJson(value, violations, label) {
  const pre = h('pre', { class: 'json', 'aria-label': label || 'JSON body' });
  if (value === null || value === undefined) {
    pre.append(h('span', { class: 'j-null' }, '(no body)'));
    return pre;
  }
  if (typeof value === 'string') {
    pre.append(value);
    return pre;
  }
  const pointers = new Set();
  collect(value, '', pointers);
  const { at, missing } = placeViolations(violations || [], pointers);

  function line(indent, pointer, parts, comma, issues) {
    const content = ['  '.repeat(indent), ...parts, comma ? ',' : ''];
    const found = issues || (pointer === null ? [] : at.get(pointer) || []);
    const el = h('span', { class: 'ln' });
    if (pointer !== null) el.dataset.pointer = pointer;
    if (found.length) {
      const severity = worst(found);
      el.classList.add('has-issue');
      el.append(h('mark', { class: `issue ${severity}`, dataset: { severity } }, content),
        ...notes(found));
    } else el.append(...content);
    pre.append(el, '\n');
  }

  function walk(node, key, pointer, indent, comma) {
    const prefix = key === null ? [] : [h('span', { class: 'j-key' }, JSON.stringify(key)), ': '];
    const isArray = Array.isArray(node);
    if (!isArray && (node === null || typeof node !== 'object')) {
      line(indent, pointer, [...prefix, scalar(node)], comma);
      return;
    }
    const members = isArray ? node.map((v, i) => [i, v]) : Object.entries(node);
    const ghosts = missing.get(pointer) || [];
    const [open, close] = isArray ? ['[', ']'] : ['{', '}'];
    if (!members.length && !ghosts.length) {
      line(indent, pointer, [...prefix, open + close], comma);
      return;
    }
    line(indent, pointer, [...prefix, open], false);
    members.forEach(([k, v], i) => walk(v, isArray ? null : k, childPointer(pointer, k),
      indent + 1, i < members.length - 1 || ghosts.length > 0));
    ghosts.forEach((ghost, i) => line(indent + 1, null,
      [h('span', { class: 'j-key' }, JSON.stringify(ghost.name)), ': ',
        h('span', { class: 'j-missing' }, '(missing)')],
      i < ghosts.length - 1, [ghost.violation]));
    line(indent, null, [close], comma);
  }

  walk(value, null, '', 0, false);
  return pre;
}

// The list of violations above a body: severity as a word, the field, the rule, the source.
export function violationList(violations) {
  if (!violations || !violations.length) return null;
  const sorted = [...violations].sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity]);
  return h('ul', { class: 'violations' }, sorted.map((v) => h('li', { class: v.severity },
    h('span', { class: `badge sev-${v.severity}` }, `${SEVERITY_GLYPH[v.severity] || ''} ${v.severity}`),
    ' ', h('code', {}, v.path || '/'), ' ', h('strong', {}, v.rule), ': ', v.message,
    v.source ? h('span', { class: 'source' }, ` (source: ${v.source})`) : null)));
}

export function verdictText(violations) {
  if (violations === null || violations === undefined) return 'not validated';
  const errors = violations.filter((v) => v.severity === 'error').length;
  const warnings = violations.filter((v) => v.severity === 'warning').length;
  if (!errors && !warnings) return 'valid';
  const parts = [];
  if (errors) parts.push(`${errors} error${errors > 1 ? 's' : ''}`);
  if (warnings) parts.push(`${warnings} warning${warnings > 1 ? 's' : ''}`);
  return `${errors ? 'invalid' : 'valid'} (${parts.join(', ')})`;
}
