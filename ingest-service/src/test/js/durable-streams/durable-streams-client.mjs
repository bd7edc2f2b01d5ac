// Drives the official Durable Streams client (@durable-streams/client) against Parley's turn streams, so that
// protocol conformance is judged by a client nobody at Parley wrote (run by DurableStreamsClientIT).
// Usage: node durable-streams-client.mjs <command> '<json args>'. Prints one JSON line per step on stdout;
// a step that needs the test to write more events first waits for a line on stdin.
import { stream } from '@durable-streams/client';
import { createInterface } from 'node:readline';

const [command, rawArgs] = process.argv.slice(2);
const args = JSON.parse(rawArgs ?? '{}');
const stdin = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const say = (line) => console.log(JSON.stringify(line));
const proceed = async () => { await stdin.next(); };

// Follows the stream live from `offset` until `until(batch)` says stop; the batches as the client saw them.
async function follow(offset, live, until, onBatch = () => {}) {
  const controller = new AbortController();
  const res = await stream({ url: args.url, offset, live, json: true, signal: controller.signal });
  const batches = [];
  await new Promise((resolve, reject) => {
    res.subscribeJson(async (batch) => {
      const seen = { items: batch.items, offset: batch.offset, upToDate: batch.upToDate,
        streamClosed: batch.streamClosed };
      batches.push(seen);
      await onBatch(seen);
      if (until(seen)) {
        controller.abort(); // a disconnect: nothing of what follows is read
        resolve();
      }
    });
    // `closed` resolves once the last response is fetched, which can be before the subscriber has it: only errors
    res.closed.catch(reject);
  });
  return batches;
}

// A step that never ends fails the run rather than hanging the test that waits for its line.
setTimeout(() => {
  say({ step: 'error', message: `no result within ${args.timeoutMs ?? 30000} ms` });
  process.exit(1);
}, args.timeoutMs ?? 30000).unref();

const commands = {
  // From -1, live over SSE until the stream closes; says when it first caught up, so the test writes the rest.
  async tail() {
    let told = false;
    const batches = await follow('-1', 'sse', (b) => b.streamClosed, (b) => {
      if (b.upToDate && !told) {
        told = true;
        say({ step: 'caughtUp', offset: b.offset });
      }
    });
    say({ step: 'closed', batches });
  },

  // A catch-up read, a live SSE read from its offset cut after one batch, and a long-poll read from there to the end.
  async resume() {
    const first = await stream({ url: args.url, offset: '-1', live: false, json: true });
    const items = await first.json();
    say({ step: 'saved', offset: first.offset, items });
    await proceed();
    const live = await follow(first.offset, 'sse', (b) => b.items.length > 0);
    say({ step: 'disconnected', batches: live });
    await proceed();
    const rest = await follow(live.at(-1).offset, 'long-poll', (b) => b.streamClosed);
    say({ step: 'closed', batches: rest });
  },
};

try {
  await commands[command]();
  process.exit(0);
} catch (e) {
  say({ step: 'error', message: String(e?.message ?? e), status: e?.status ?? null });
  process.exit(1);
}
