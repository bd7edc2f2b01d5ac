// Drives Parley's OpenAI-compatible API with clients nobody here wrote: the official `openai` SDK and the Vercel AI
// SDK (`ai` + `@ai-sdk/openai-compatible`). Usage: node openai-clients.mjs <command> '<json args>'; prints one JSON
// result line. OpenAiClientsIT runs it and checks the results against the native API. `apiKey` is sent as the SDKs
// send it (Authorization: Bearer), so the gateway's authentication and limits judge these clients too. `complete` and
// `stream` add `settings` (max_tokens, stop, ...) to the request body as the SDK's own parameters.
import OpenAI from 'openai';
import { generateText, streamText } from 'ai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';

const [command, argsJson] = process.argv.slice(2);
const args = JSON.parse(argsJson ?? '{}');

function client(sessionId) {
  return new OpenAI({
    baseURL: args.baseUrl + '/v1',
    apiKey: args.apiKey,
    maxRetries: 0,
    defaultHeaders: sessionId ? { 'X-Parley-Session-Id': sessionId } : {},
  });
}

function sessionHeaders(response) {
  return { sessionId: response.headers.get('x-parley-session-id'), turnId: response.headers.get('x-parley-turn-id') };
}

async function streamOnce(sdk, body) {
  const { data: stream, response } = await sdk.chat.completions.create({ ...body, stream: true }).withResponse();
  const chunks = [];
  for await (const chunk of stream) {
    chunks.push(chunk);
  }
  const withChoices = chunks.filter((c) => c.choices.length > 0);
  return {
    ...sessionHeaders(response),
    ids: [...new Set(chunks.map((c) => c.id))],
    objects: [...new Set(chunks.map((c) => c.object))],
    firstDelta: withChoices[0]?.choices[0].delta ?? null,
    text: withChoices.map((c) => c.choices[0].delta.content ?? '').join(''),
    reasoning: withChoices.map((c) => c.choices[0].delta.reasoning_content ?? '').join(''),
    finishReasons: withChoices.map((c) => c.choices[0].finish_reason).filter((r) => r !== null),
    usageChunks: chunks.filter((c) => c.usage).map((c) => ({ choices: c.choices.length, usage: c.usage })),
    lastHasUsage: chunks.length > 0 && !!chunks[chunks.length - 1].usage,
    models: [...new Set(chunks.map((c) => c.model))],
  };
}

function errorOf(e) {
  return {
    className: e.constructor.name,
    status: e.status ?? null,
    code: e.code ?? null,
    type: e.type ?? null,
    param: e.param ?? null,
    message: e.message,
    retryAfter: e.headers?.get?.('retry-after') ?? null,
  };
}

function provider() {
  return createOpenAICompatible({ name: 'parley', baseURL: args.baseUrl + '/v1', apiKey: args.apiKey,
    includeUsage: true });
}

const commands = {
  async models() {
    const page = await client().models.list();
    return { ids: page.data.map((m) => m.id), objects: [...new Set(page.data.map((m) => m.object))] };
  },

  async complete() {
    const { data, response } = await client(args.sessionId).chat.completions.create({
      model: args.model, messages: args.messages, ...(args.settings ?? {}),
    }).withResponse();
    return {
      ...sessionHeaders(response),
      id: data.id, object: data.object, model: data.model, created: data.created,
      role: data.choices[0].message.role, text: data.choices[0].message.content,
      finishReason: data.choices[0].finish_reason, usage: data.usage,
    };
  },

  async stream() {
    const body = { model: args.model, messages: args.messages, ...(args.settings ?? {}) };
    if (args.includeUsage) {
      body.stream_options = { include_usage: true };
    }
    return streamOnce(client(args.sessionId), body);
  },

  // Streams until `afterChars` characters of content arrived, then aborts the request.
  async abort() {
    const controller = new AbortController();
    const { data: stream, response } = await client().chat.completions.create(
      { model: args.model, messages: args.messages, stream: true }, { signal: controller.signal }).withResponse();
    let text = '';
    try {
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta?.content ?? '';
        if (text.length >= args.afterChars) {
          controller.abort();
        }
      }
    } catch (e) {
      if (e.constructor.name !== 'APIUserAbortError') {
        throw e;
      }
    }
    return { ...sessionHeaders(response), received: text };
  },

  // Streams until `afterChars` characters of content arrived, then cancels the turn through the native API and reads
  // on: the stream must end with an error, not a clean stop.
  async cancelMidStream() {
    const { data: stream, response } = await client().chat.completions.create(
      { model: args.model, messages: args.messages, stream: true }).withResponse();
    const { sessionId, turnId } = sessionHeaders(response);
    let text = '';
    let cancelled = false;
    try {
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta?.content ?? '';
        if (!cancelled && text.length >= args.afterChars) {
          cancelled = true;
          const answer = await fetch(`${args.baseUrl}/v1/sessions/${sessionId}/turns/${turnId}/cancel`,
            { method: 'POST', headers: { Authorization: `Bearer ${args.apiKey}` } });
          if (!answer.ok) {
            throw new Error(`the native cancel answered ${answer.status}`);
          }
        }
      }
      return { sessionId, turnId, received: text, error: null };
    } catch (e) {
      return { sessionId, turnId, received: text, error: errorOf(e) };
    }
  },

  // A request that must fail: the SDK's error class and OpenAI's error fields.
  async fail() {
    try {
      const request = client(args.sessionId).chat.completions.create(args.body);
      if (args.body.stream) {
        for await (const chunk of await request) {
          void chunk;
        }
      } else {
        await request;
      }
      return { className: null };
    } catch (e) {
      return errorOf(e);
    }
  },

  async concurrent() {
    const sdk = client();
    const runs = Array.from({ length: args.count }, (_, i) => streamOnce(sdk, {
      model: args.model,
      messages: [{ role: 'user', content: `stream ${i}\n#sim: reply="reply number ${i} of ${args.count}" itl_ms=5` }],
    }));
    return { results: (await Promise.all(runs)).map((r) => ({ turnId: r.turnId, text: r.text, ids: r.ids })) };
  },

  async aiGenerate() {
    const result = await generateText({ model: provider()(args.model), messages: args.messages, maxRetries: 0 });
    return { text: result.text, finishReason: result.finishReason, usage: result.usage };
  },

  async aiStream() {
    const result = streamText({ model: provider()(args.model), messages: args.messages, maxRetries: 0 });
    const parts = [];
    for await (const part of result.textStream) {
      parts.push(part);
    }
    return { parts: parts.length, text: parts.join(''), finishReason: await result.finishReason,
      usage: await result.usage };
  },

  async aiFail() {
    try {
      await generateText({ model: provider()(args.model), messages: args.messages, maxRetries: 0 });
      return { className: null };
    } catch (e) {
      return { className: e.name, status: e.statusCode ?? null, message: e.message };
    }
  },
};

try {
  const result = await commands[command]();
  process.stdout.write(JSON.stringify(result) + '\n');
} catch (e) {
  process.stdout.write(JSON.stringify({ unexpected: errorOf(e), stack: e.stack }) + '\n');
  process.exitCode = 1;
}
