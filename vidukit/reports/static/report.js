// Draws a report's timelines with the dashboard's own timeline module. Each element
// [data-timeline="ID"] gets the legend, the SVG and the "timeline as text" table for the
// tasks in <script type="application/json" id="ID">; what the page showed before (a plain
// table written by the report, for readers without JavaScript) is replaced.
import { h } from './dom.js';
import { legend, patternDefs, renderTimeline, timelineTable } from './timeline.js';

function draw(region) {
  const source = document.getElementById(region.dataset.timeline);
  if (!source) return;
  const data = JSON.parse(source.textContent);
  const width = Math.max(560, Math.min(1400, (region.clientWidth || 960) - 2));
  const picture = renderTimeline(data.tasks, {
    now: data.now, width, links: false, label: data.label,
  });
  const parts = [legend(), h('div', { class: 'timeline-wrap' }, picture)];
  if (data.tasks.length) {
    parts.push(h('details', { class: 'timeline-text' },
      h('summary', {}, 'Timeline as text'), timelineTable(data.tasks, data.now)));
  }
  region.replaceChildren(...parts);
  region.dataset.drawn = 'true';
}

function openAllForPrint() {
  for (const details of document.querySelectorAll('details')) details.open = true;
}

document.body.prepend(patternDefs());
for (const region of document.querySelectorAll('[data-timeline]')) draw(region);
window.addEventListener('beforeprint', openAllForPrint);
