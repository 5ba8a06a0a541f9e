// Tiny DOM builders: every value goes in as text or an attribute, never as HTML.
const SVG_NS = 'http://www.w3.org/2000/svg';

function fill(el, attrs, children) {
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') el.setAttribute('class', value);
    else if (key === 'text') el.textContent = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), value);
    } else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

export function h(tag, attrs, ...children) {
  return fill(document.createElement(tag), attrs, children);
}

export function s(tag, attrs, ...children) {
  return fill(document.createElementNS(SVG_NS, tag), attrs, children);
}

// Replace what *region* shows, keeping keyboard focus on the element with the same
// data-focus-key (live updates must not throw a keyboard user back to the top).
export function replaceContent(region, ...children) {
  const active = document.activeElement;
  const key = active && region.contains(active) ? active.dataset.focusKey : undefined;
  region.replaceChildren(...children.flat(Infinity).filter((c) => c !== null && c !== undefined));
  if (key) {
    const again = region.querySelector(`[data-focus-key="${CSS.escape(key)}"]`);
    if (again) again.focus({ preventScroll: true });
  }
}
