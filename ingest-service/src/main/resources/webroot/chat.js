// Parley's chat page. The URL names the session (?session=<id>), so a reload comes back to it: the page shows the
// turns postprocess-streams has recorded, then replays the last turn this browser sent from its first chunk
// (?turnId=) and follows the session's event stream live from there; EventSource itself resumes after a dropped
// connection with Last-Event-ID. Replies are markdown, rendered by marked and sanitized by DOMPurify before they
// touch the DOM (a reply can never run script), code highlighted by highlight.js.
// With authentication on, the page asks for an API key (kept in this tab's sessionStorage only), sends it as
// Authorization: Bearer on every fetch, and opens the event stream with a short-lived stream token in its URL
// (EventSource cannot send headers; the key itself never goes into a URL).
'use strict';

const $ = id => document.getElementById(id);
const log = $('log');
const input = $('text');
const sendButton = $('send');
const stopButton = $('stop');
const routeInput = $('route');
const spotlightBox = $('spotlight');
const KEY_STORE = 'parley.apiKey';

let sessionId = null;
let events = null;
let lastEventId = null;
let currentTurn = null;       // the turn this page is waiting for: Send is disabled and Stop enabled meanwhile
let hadError = false;         // the stream dropped since it last opened: the next open says "resumed"
const replies = new Map();    // turnId -> {el, sections: [{text, body}], reasoning, staged}

// ---- errors: every failure becomes one sentence a person can act on

class ApiError extends Error {
  constructor(status, code, message) { super(message); this.status = status; this.code = code; }
}

function explain(status, json, response) {
  const detail = json.error ? json.error.message : 'HTTP ' + status;
  switch (status) {
    case 401: return 'This gateway needs an API key, or refused the one given: paste a key above.';
    case 413: return 'That message is too long for this gateway; it was not sent (' + detail + ').';
    case 429: {
      const wait = response.headers.get('Retry-After');
      return 'Too many requests' + (wait ? ': try again in ' + wait + ' s' : ': try again shortly')
             + ' (' + (json.error ? json.error.code : 'rate limited') + '). The message was not sent.';
    }
    default: return detail;
  }
}

async function request(method, path, body) {
  const headers = {...authHeaders()};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, {method, headers, body: body === undefined ? undefined : JSON.stringify(body)});
  } catch (e) {
    throw new ApiError(0, 'network', 'Cannot reach Parley: check that it is running and your connection is up.');
  }
  const json = await response.json().catch(() => ({}));
  if (!response.ok) {
    if (response.status === 401) $('key-form').hidden = false;
    throw new ApiError(response.status, json.error ? json.error.code : null, explain(response.status, json, response));
  }
  return json;
}

const post = (path, body) => request('POST', path, body);
const getJson = path => request('GET', path);

function authHeaders() {
  const key = sessionStorage.getItem(KEY_STORE);
  return key ? {Authorization: 'Bearer ' + key} : {};
}

function showError(message) {
  $('error').textContent = message;
  $('error').hidden = !message;
}

function setStatus(state, text) {
  $('status').dataset.state = state;
  $('status').textContent = text;
}

// ---- the transcript

function el(parent, tag, text, cls) {
  const element = document.createElement(tag);
  if (text) element.textContent = text;
  if (cls) element.className = cls;
  parent.appendChild(element);
  return element;
}

// The user's message as sent; the simulator's #sim: directive lines dimmed, as they are not part of the prompt
function userLine(text) {
  const turn = el(log, 'div', '', 'turn');
  const bubble = el(turn, 'div', '', 'user');
  text.split('\n').forEach((line, i) => {
    if (i) bubble.append('\n');
    if (/^\s*#sim:/.test(line)) el(bubble, 'span', line, 'directive'); else bubble.append(line);
  });
  return turn;
}

// Markdown to safe HTML: DOMPurify drops every script, handler attribute and javascript: URL that marked lets through.
function render(section) {
  section.body.innerHTML = DOMPurify.sanitize(marked.parse(section.text));
  section.body.querySelectorAll('pre code').forEach(code => hljs.highlightElement(code));
}

let pending = new Set();
function renderSoon(section) {
  if (!pending.size) requestAnimationFrame(() => { pending.forEach(render); pending = new Set(); scrollDown(); });
  pending.add(section);
}

function scrollDown() {
  log.scrollTop = log.scrollHeight;
}

function newSection(state, parent) {
  const section = {text: '', body: el(parent, 'div', '', 'body')};
  state.sections.push(section);
  return section;
}

function replyState(turnId, turnEl) {
  if (!replies.has(turnId)) {
    const parent = turnEl || el(log, 'div', '', 'turn');
    const reply = el(parent, 'div', '', 'assistant');
    const state = {el: reply, sections: [], reasoning: null, staged: false};
    newSection(state, reply);
    replies.set(turnId, state);
  }
  return replies.get(turnId);
}

const current = state => state.sections[state.sections.length - 1];

// A staged route's reply is one styled section per stage, with the stage's confidence as a bar.
function startStage(e) {
  const state = replyState(e.turnId);
  if (!state.staged) { state.el.replaceChildren(); state.sections = []; state.staged = true; }
  const box = el(state.el, 'div', '', 'stage');
  box.dataset.stage = e.stage;
  const label = el(box, 'div', e.stage + (e.backend ? ' · ' + e.backend : ''), 'stage-label');
  if (e.confidence != null) {
    const bar = el(label, 'span', '', 'confidence');
    bar.title = 'confidence ' + Math.round(e.confidence * 100) + '%';
    el(bar, 'span').style.width = Math.round(e.confidence * 100) + '%';
  }
  state.reasoning = null;
  newSection(state, box);
}

function appendToken(e) {
  const state = replyState(e.turnId);
  if (e.stage === 'reasoning') {       // a model's thinking: dimmed and folded away, apart from the answer
    if (!state.reasoning) {
      const details = document.createElement('details');
      details.className = 'reasoning';
      el(details, 'summary', 'reasoning');
      current(state).body.before(details);
      state.reasoning = el(details, 'div');
    }
    state.reasoning.append(e.text);
    return;
  }
  current(state).text += e.text;
  renderSoon(current(state));
}

// A reset means a new attempt regenerates the whole turn: what was shown is no longer the reply.
function restart(turnId) {
  const state = replyState(turnId);
  state.el.replaceChildren();
  el(state.el, 'div', 'fell back: restarted on another backend', 'note');
  state.sections = [];
  state.reasoning = null;
  state.staged = false;
  newSection(state, state.el);
}

// failed and cancelled carry the attempt's text: an unstaged reply shows exactly that, a staged one keeps its stages
function ended(turnId, outcome, partialText, reason) {
  const state = replyState(turnId);
  if (!state.staged) { current(state).text = partialText || ''; render(current(state)); }
  state.el.classList.add(outcome);
  el(state.el, 'div', outcome === 'failed' ? 'failed' + (reason ? ': ' + reason : '') : 'cancelled',
     'badge ' + outcome);
  finish(turnId);
}

function finish(turnId) {
  if (turnId === currentTurn) setBusy(null);
  // postprocess reads the ledger on its own schedule: look now, and once more when it has likely caught up
  refreshSession();
  setTimeout(refreshSession, 1500);
}

function setBusy(turnId) {
  currentTurn = turnId;
  sendButton.disabled = !!turnId || !events;
  stopButton.disabled = !turnId;
  input.disabled = !events;
}

// ---- sessions: the URL names the current one; the list is the caller's sessions as the gateway lists them
// (GET /v1/sessions, newest first, each titled by its first line). A session this page just opened or named shows
// with the page's own title until the list has caught up with it.

let listed = [];               // [{sessionId, createdAt, firstLine}] as GET /v1/sessions last answered
const opened = new Map();      // sessionId -> {title, at}: what this page knows ahead of the list

async function loadSessions() {
  try {
    listed = (await getJson('/v1/sessions?limit=200')).sessions;
  } catch (e) {
    return;                    // postprocess not answering now: keep the list shown; the next load catches up
  }
  showSessions();
}

// Shows a session in the list at once, or names it (title: its first message's first line)
function remember(id, title) {
  const old = opened.get(id);
  opened.set(id, {title: title || (old && old.title) || null, at: (old && old.at) || Date.now()});
  showSessions();
}

// As postprocess-streams names a session: the first line that is not a #sim: directive, cut at 120 characters
const firstLine = text => (text.split('\n').map(l => l.trim()).find(l => l && !l.startsWith('#sim:')) || '')
  .slice(0, 120) || null;

function knownSessions() {
  const list = listed.map(s => ({id: s.sessionId, at: Date.parse(s.createdAt),
    title: s.firstLine || (opened.get(s.sessionId) || {}).title || 'New chat'}));
  for (const [id, s] of opened) {
    if (!list.some(l => l.id === id)) list.push({id, at: s.at, title: s.title || 'New chat'});
  }
  return list.sort((a, b) => b.at - a.at);
}

function showSessions() {
  const ul = $('sessions');
  ul.replaceChildren();
  for (const s of knownSessions()) {
    const a = el(el(ul, 'li'), 'a', s.title);
    a.href = '?session=' + encodeURIComponent(s.id);
    a.dataset.session = s.id;
    el(a, 'span', new Date(s.at).toLocaleString(), 'when');
    if (s.id === sessionId) a.setAttribute('aria-current', 'page');
    a.addEventListener('click', event => { event.preventDefault(); open(s.id).catch(failed); });
  }
}

const lastTurnKey = id => 'parley.lastTurn.' + id;

// The session's turns as postprocess recorded them, up to (not including) the turn this browser replays itself.
function showHistory(view, replayTurn) {
  for (const t of view.recentTurns || []) {
    if (t.turnId === replayTurn) break;
    userLine(t.userText);
    const state = replyState(t.turnId, log.lastElementChild);
    current(state).text = t.assistantText || '';
    render(current(state));
    if (t.status === 'failed' || t.status === 'cancelled') {
      state.el.classList.add(t.status);
      el(state.el, 'div', t.status, 'badge ' + t.status);
    }
  }
}

async function open(id) {
  if (events) { events.close(); events = null; }
  sessionId = id;
  replies.clear();
  log.replaceChildren();
  showError('');
  setBusy(null);
  history.replaceState(null, '', '?session=' + encodeURIComponent(id));
  $('session-id').textContent = id;
  const last = JSON.parse(localStorage.getItem(lastTurnKey(id)) || 'null');
  const view = await getJson('/v1/sessions/' + id);
  $('key-form').hidden = true;
  showSession(view);
  showHistory(view, last && last.turnId);
  remember(id);
  loadSessions();
  $('refresh').disabled = $('query').disabled = $('search').disabled = false;
  lastEventId = null;
  if (last) {
    replyState(last.turnId, userLine(last.text));
    if (!last.ended) setBusy(last.turnId);
  }
  await openEvents(last ? last.turnId : null);
}

async function newSession() {
  const created = await post('/v1/sessions');
  remember(created.sessionId);
  await open(created.sessionId);
}

// The stream URL: with a key, a fresh stream token (valid a few minutes: enough to connect); after a reconnect of
// our own, ?after= the last event seen, as Last-Event-ID would say; on opening, ?turnId= replays that turn.
async function eventsUrl(turnId) {
  const params = new URLSearchParams();
  if (lastEventId) params.set('after', lastEventId);
  else if (turnId) params.set('turnId', turnId);
  if (sessionStorage.getItem(KEY_STORE)) params.set('access_token', (await post('/v1/stream-tokens')).token);
  const query = params.toString();
  return '/v1/sessions/' + sessionId + '/events' + (query ? '?' + query : '');
}

async function openEvents(turnId) {
  const forSession = sessionId;
  const stream = new EventSource(await eventsUrl(turnId));
  if (forSession !== sessionId) { stream.close(); return; }
  events = stream;
  stream.onopen = () => {
    setStatus(hadError ? 'resumed' : 'live', hadError ? 'resumed' : 'live');
    hadError = false;
    setBusy(currentTurn);
  };
  stream.onerror = () => {
    hadError = true;
    setStatus('reconnecting', 'reconnecting…');
    // the browser gives up on a refused reconnect (e.g. an expired stream token): open a new stream ourselves
    if (stream.readyState === EventSource.CLOSED && events === stream) {
      setTimeout(() => { if (events === stream) openEvents().catch(failed); }, 1000);
    }
  };
  const on = (type, handler) => stream.addEventListener(type, e => {
    if (e.lastEventId) lastEventId = e.lastEventId;
    const data = JSON.parse(e.data);
    handler(data);
    if (['done', 'failed', 'cancelled'].includes(type)) markEnded(data.turnId);
  });
  on('token', appendToken);
  on('stage', e => { if (e.boundary === 'start') startStage(e); });
  on('reset', e => restart(e.turnId));
  on('done', e => { render(current(replyState(e.turnId))); finish(e.turnId); });
  on('failed', e => ended(e.turnId, 'failed', e.partialText, e.reason));
  on('cancelled', e => ended(e.turnId, 'cancelled', e.partialText));
}

function markEnded(turnId) {
  const key = lastTurnKey(sessionId);
  const last = JSON.parse(localStorage.getItem(key) || 'null');
  if (last && last.turnId === turnId) localStorage.setItem(key, JSON.stringify({...last, ended: true}));
}

// ---- sending and stopping

async function send() {
  const text = input.value.trim();
  if (!text || currentTurn || !sessionId) return;
  if (!routeInput.checkValidity()) { showError('A route is 1 to 64 of A-Z a-z 0-9 _ -'); return; }
  const turn = {text, clientTurnId: crypto.randomUUID(), spotlight: spotlightBox.checked};
  if (routeInput.value.trim()) turn.route = routeInput.value.trim();
  sendButton.disabled = true;
  try {
    const accepted = await post('/v1/sessions/' + sessionId + '/turns', turn);
    showError('');
    input.value = '';       // only an accepted message leaves the input and appears in the transcript
    localStorage.setItem(lastTurnKey(sessionId), JSON.stringify({turnId: accepted.turnId, text}));
    // the list's own first line (GET /v1/sessions) replaces this once postprocess has read the turn
    if (!log.querySelector('.user')) remember(sessionId, firstLine(text));
    replyState(accepted.turnId, userLine(text));
    scrollDown();
    setBusy(accepted.turnId);
  } catch (e) {
    showError(e.message);
    setBusy(currentTurn);
  }
}

async function stop() {
  if (!currentTurn) return;
  stopButton.disabled = true;
  try { await post('/v1/sessions/' + sessionId + '/turns/' + currentTurn + '/cancel'); }
  catch (e) { showError(e.message); stopButton.disabled = false; }
}

// ---- the session panel: what postprocess-streams has derived from the ledger (GET /v1/sessions/{sid})

function showSession(view) {
  $('session-note').textContent = view.snapshot === 'pending' ? 'postprocess has not read this session yet'
                                  : view.updatedAt ? 'updated ' + new Date(view.updatedAt).toLocaleTimeString() : '';
  $('turn-count').textContent = view.turnCount ?? 0;
  const summary = $('summary');
  summary.textContent = view.summary ? view.summary.text : 'none yet';
  summary.className = view.summary ? '' : 'muted';
  const facts = $('facts');
  facts.replaceChildren();
  for (const [name, value] of Object.entries(view.facts || {})) {
    el(facts, 'dt', name);
    el(facts, 'dd', typeof value === 'string' ? value : JSON.stringify(value));
  }
  if (!facts.childElementCount) el(facts, 'dd', 'none yet', 'muted');
  const commitments = $('commitments');
  commitments.replaceChildren();
  for (const c of view.openCommitments || []) {
    const li = el(commitments, 'li', c.text);
    if (c.dueAt) el(li, 'span', ' (due ' + new Date(c.dueAt).toLocaleString() + ')', 'muted');
  }
  if (!commitments.childElementCount) el(commitments, 'li', 'none', 'muted');
  const u = view.usage;
  $('usage').textContent = u ? u.promptTokens + ' prompt + ' + u.completionTokens + ' completion tokens'
                               + (u.costUsd ? ', $' + u.costUsd.toFixed(4) : '') + (u.estimated ? ' (estimated)' : '')
                             : 'none yet';
  $('usage').className = u ? '' : 'muted';
}

async function refreshSession() {
  if (!sessionId) return;
  loadSessions();             // a turn that just ended may have given its session a first line
  try { showSession(await getJson('/v1/sessions/' + sessionId)); }
  catch (e) { $('session-note').textContent = e.message; }
}

async function search(query) {
  const note = $('search-note');
  const results = $('results');
  results.replaceChildren();
  note.textContent = 'searching…';
  try {
    const answer = await getJson('/v1/sessions/' + sessionId + '/search?q=' + encodeURIComponent(query) + '&k=5');
    note.textContent = answer.results.length ? (answer.model ? 'model ' + answer.model : '') : 'no matches';
    for (const r of answer.results) {
      const li = el(results, 'li');
      el(li, 'span', Number(r.score).toFixed(3) + ' ', 'score');
      el(li, 'span', r.role + ': ', 'muted');
      el(li, 'span', r.text);
    }
  } catch (e) {
    note.textContent = e.message;
  }
}

// ---- wiring

function failed(e) {
  setStatus('error', e.status === 401 ? 'needs an API key' : 'not connected');
  showError(e.message);
}

async function start() {
  const named = new URLSearchParams(location.search).get('session');
  if (named) {
    await open(named);
  } else {
    await newSession();
  }
}

input.addEventListener('keydown', event => {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    send();
  }
});
$('composer').addEventListener('submit', event => { event.preventDefault(); send(); });
stopButton.addEventListener('click', stop);
$('new-session').addEventListener('click', () => newSession().catch(failed));
$('refresh').addEventListener('click', refreshSession);
$('search-form').addEventListener('submit', event => {
  event.preventDefault();
  const query = $('query').value.trim();
  if (query) search(query);
});
$('key-form').addEventListener('submit', event => {
  event.preventDefault();
  const key = $('key').value.trim();
  if (!key) return;
  sessionStorage.setItem(KEY_STORE, key);
  $('key').value = '';
  setStatus('connecting', 'connecting…');
  showError('');
  start().catch(failed);
});

start().catch(failed);
