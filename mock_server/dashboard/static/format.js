// Words, glyphs and numbers shown for states and times: colour is never the only signal.
export const STATES = ['queued', 'processing', 'succeeded', 'failed'];

export const STATE_GLYPH = {
  queued: '○',
  processing: '◐',
  succeeded: '✓',
  failed: '✗',
};

export const STATE_HELP = {
  queued: 'waiting to start',
  processing: 'running',
  succeeded: 'finished with a video',
  failed: 'finished with an error',
};

export function isTerminal(state) {
  return state === 'succeeded' || state === 'failed';
}

export function duration(seconds) {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  const abs = Math.abs(seconds);
  if (abs < 10) return `${Number(seconds.toFixed(abs < 1 ? 3 : 2))} s`;
  if (abs < 60) return `${Number(seconds.toFixed(1))} s`;
  if (abs < 3600) {
    const m = Math.floor(abs / 60);
    const rest = Math.round(abs - m * 60);
    return `${seconds < 0 ? '-' : ''}${m} min${rest ? ` ${rest} s` : ''}`;
  }
  const hours = Math.floor(abs / 3600);
  const m = Math.round((abs - hours * 3600) / 60);
  return `${seconds < 0 ? '-' : ''}${hours} h${m ? ` ${m} min` : ''}`;
}

// Time of day on the mock's clock, UTC, to the millisecond: "00:00:05.000".
export function clockTime(epoch) {
  if (epoch === null || epoch === undefined) return '—';
  return new Date(epoch * 1000).toISOString().slice(11, 23);
}

export function isoTime(epoch) {
  return new Date(epoch * 1000).toISOString();
}

export function shortId(id) {
  return id.length > 12 ? `${id.slice(0, 8)}…` : id;
}
