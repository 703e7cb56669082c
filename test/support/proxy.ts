/**
 * A reverse proxy in front of the HTTP server that behaves like nginx's proxy_read_timeout: a
 * response that stays quiet for `idleMs` is cut. It counts the SSE comment lines (keep-alives)
 * it forwards, so a test can show that keep-alives arrived and that they held a quiet call open.
 */
export interface IdleCuttingProxy {
  url: URL;
  /** SSE comment lines (`: ...`) forwarded so far. */
  comments: number;
  /** Responses cut for being quiet too long. */
  cuts: number;
  stop(): Promise<void>;
}

export function startIdleCuttingProxy(upstream: URL, idleMs: number): IdleCuttingProxy {
  const decoder = new TextDecoder();
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    idleTimeout: 0, // the cut below is the only idle limit, in milliseconds
    async fetch(request) {
      const url = new URL(request.url);
      const headers = new Headers(request.headers);
      headers.delete("host");
      const body = request.method === "GET" || request.method === "HEAD" ? undefined : await request.arrayBuffer();
      // Waiting for the response's head counts as quiet too (nginx answers 504 then).
      const waiting = new AbortController();
      let timer: ReturnType<typeof setTimeout> | undefined = setTimeout(() => waiting.abort(), idleMs);
      let answer: Response;
      try {
        answer = await fetch(new URL(url.pathname + url.search, upstream), {
          method: request.method,
          headers,
          body,
          redirect: "manual",
          signal: waiting.signal,
        });
      } catch (error) {
        if (!waiting.signal.aborted) throw error;
        proxy.cuts++;
        return new Response(`no answer within ${idleMs} ms\n`, { status: 504 });
      } finally {
        clearTimeout(timer);
      }
      if (!answer.body) return new Response(null, { status: answer.status, headers: answer.headers });
      const reader = answer.body.getReader();
      const forwarded = new ReadableStream<Uint8Array>({
        start(controller) {
          const arm = () => {
            clearTimeout(timer);
            timer = setTimeout(() => {
              proxy.cuts++;
              controller.error(new Error(`quiet for ${idleMs} ms: cut`));
              void reader.cancel().catch(() => undefined);
            }, idleMs);
          };
          arm();
          void (async () => {
            try {
              for (;;) {
                const { done, value } = await reader.read();
                if (done) break;
                arm();
                proxy.comments += decoder.decode(value, { stream: true }).match(/^:/gm)?.length ?? 0;
                controller.enqueue(value);
              }
              clearTimeout(timer);
              controller.close();
            } catch {
              clearTimeout(timer); // cut above, or the upstream went away
            }
          })();
        },
        cancel() {
          clearTimeout(timer);
          void reader.cancel().catch(() => undefined);
        },
      });
      const outgoing = new Headers(answer.headers);
      outgoing.delete("content-length");
      outgoing.delete("content-encoding");
      return new Response(forwarded, { status: answer.status, headers: outgoing });
    },
  });
  const proxy: IdleCuttingProxy = {
    url: new URL(`${upstream.pathname}${upstream.search}`, `http://127.0.0.1:${server.port}`),
    comments: 0,
    cuts: 0,
    stop: () => server.stop(true),
  };
  return proxy;
}
