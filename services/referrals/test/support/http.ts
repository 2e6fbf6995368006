export interface Reply {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  headers: Headers;
}

/**
 * One HTTP call with an optional bearer token; a body that is not a string is sent as JSON with
 * `contentType`. The reply body is parsed when there is one.
 */
export async function send(
  url: string,
  opts: {
    method: string;
    token?: string;
    body?: unknown;
    contentType?: string;
    headers?: Record<string, string>;
  },
): Promise<Reply> {
  const { method, token, body, contentType = 'application/json', headers = {} } = opts;
  const response = await fetch(url, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': contentType } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text.length > 0 ? JSON.parse(text) : undefined,
    headers: response.headers,
  };
}
