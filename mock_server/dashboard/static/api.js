// Talking to the mock: the dashboard's own views (relative "api/...") and the admin API
// ("../..." from /_mock/ui/), with the admin token from the sign-in cookie when there is one.
const COOKIE = 'vidukit_admin_token';

function adminToken() {
  const pair = document.cookie.split('; ').find((c) => c.startsWith(`${COOKIE}=`));
  return pair ? decodeURIComponent(pair.slice(COOKIE.length + 1)) : null;
}

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export async function call(method, path, body) {
  const headers = { Accept: 'application/json' };
  const token = adminToken();
  if (token) headers['X-Mock-Admin-Token'] = token;
  const init = { method, headers, cache: 'no-store' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok) {
    const message = (data && data.error) || `HTTP ${response.status}`;
    throw new ApiError(response.status, message);
  }
  return data;
}

export const get = (path) => call('GET', path);
export const post = (path, body) => call('POST', path, body ?? {});
