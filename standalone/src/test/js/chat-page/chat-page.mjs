// Drives Parley's chat page in headless Chromium and prints what a person would have seen, as one JSON line
// (ChatPageBrowserIT asserts on it). Usage: node chat-page.mjs <scenario> '{"baseUrl": "...", "screenshots": "dir"}'
// The browser is Debian's /usr/bin/chromium (PARLEY_CHROMIUM overrides it): playwright-core never downloads one.
import { chromium } from 'playwright-core';

const [scenario, argsJson] = process.argv.slice(2);
const args = JSON.parse(argsJson);
const TIMEOUT = 30_000;

const sim = (text, directives) => text + '\n#sim: ' + directives;
const replyText = page => page.locator('.assistant').last().locator('.body').last().innerText();

async function send(page, text) {
  await page.locator('#text').fill(text);
  await page.locator('#text').press('Enter');
}

async function waitForLive(page) {
  await page.waitForSelector('#status[data-state=live], #status[data-state=resumed]', {timeout: TIMEOUT});
  await page.waitForSelector('#send:not([disabled])', {timeout: TIMEOUT});
}

async function waitForText(page, pattern) {
  await page.waitForFunction(p => {
    const bodies = document.querySelectorAll('.assistant .body');
    return bodies.length && new RegExp(p).test(bodies[bodies.length - 1].innerText);
  }, pattern.source, {timeout: TIMEOUT});
}

async function idle(page) {
  await page.waitForSelector('#send:not([disabled])', {timeout: TIMEOUT});
}

const words = n => Array.from({length: n}, (_, i) => 'w' + (i + 1)).join(' ');

const scenarios = {
  // Enter sends, Shift+Enter breaks the line; Send is disabled and Stop enabled while the reply streams
  async stream(page) {
    await page.goto(args.baseUrl);
    await waitForLive(page);
    const url = page.url();
    await page.locator('#text').type('Tell me about Kafka');
    await page.locator('#text').press('Shift+Enter');
    await page.locator('#text').type('#sim: reply="' + words(40) + '" itl_ms=40');
    const typed = await page.locator('#text').inputValue();
    await page.locator('#text').press('Enter');
    await waitForText(page, /w3/);
    const whileStreaming = {send: await page.locator('#send').isDisabled(), stop: await page.locator('#stop').isEnabled()};
    await waitForText(page, /w40$/);
    await idle(page);
    return {url, typed, whileStreaming, user: await page.locator('.user').last().innerText(),
            reply: await replyText(page), inputAfter: await page.locator('#text').inputValue(),
            stopAfter: await page.locator('#stop').isDisabled(), status: await page.locator('#status').innerText()};
  },

  // Stop cancels the streaming reply: it stays, marked cancelled, with the text that came before
  async stop(page) {
    await page.goto(args.baseUrl);
    await waitForLive(page);
    await send(page, sim('Tell me a long story', 'tokens=2000 itl_ms=20'));
    await waitForText(page, /\S+ \S+ \S+ \S+ \S+/);
    await page.locator('#stop').click();
    await page.waitForSelector('.assistant.cancelled', {timeout: TIMEOUT});
    await idle(page);
    return {badge: await page.locator('.assistant .badge').innerText(),
            partialWords: (await replyText(page)).split(/\s+/).length};
  },

  // a reload in the middle of a reply comes back to the same session and shows the whole reply once
  async reload(page) {
    await page.goto(args.baseUrl);
    await waitForLive(page);
    await send(page, sim('Count for me', 'reply="' + words(60) + '" itl_ms=60'));
    await waitForText(page, /w5\b/);
    const before = page.url();
    const seenBefore = await replyText(page);
    await page.reload();
    const after = page.url();
    await waitForText(page, /w60$/);
    await idle(page);
    return {before, after, seenBefore, reply: await replyText(page), users: await page.locator('.user').allInnerTexts(),
            replies: await page.locator('.assistant').count()};
  },

  // a staged route (named in the route field): one section per stage, quick, deep and synthesis in that order, each
  // labelled with its backend and carrying its confidence
  async stages(page) {
    await page.goto(args.baseUrl);
    await waitForLive(page);
    await page.locator('#route').fill('staged');
    await send(page, sim('Why is the sky blue?', 'tokens=6 itl_ms=20'));
    await page.waitForSelector('.assistant .stage[data-stage=synthesis]', {timeout: TIMEOUT});
    await idle(page);
    const stages = await page.locator('.assistant').last().locator('.stage').evaluateAll(boxes => boxes.map(box => ({
      stage: box.dataset.stage,
      label: box.querySelector('.stage-label').firstChild.textContent,
      confidence: box.querySelector('.confidence')?.title ?? null,
      words: box.querySelector('.body').innerText.trim().split(/\s+/).length,
    })));
    return {stages};
  },

  // a mid-stream fallback: the primary fails after five tokens, the page says it fell back and shows the fallback's
  // whole reply, once
  async fallback(page) {
    await page.goto(args.baseUrl);
    await waitForLive(page);
    await send(page, 'Tell me about Kafka\n#sim: reply="' + words(12) + '" itl_ms=30\n#sim: fail_after=5 on=local');
    await page.waitForSelector('.assistant .note', {timeout: TIMEOUT});
    await waitForText(page, /w12$/);
    await idle(page);
    return {note: await page.locator('.assistant .note').last().innerText(), reply: await replyText(page),
            badges: await page.locator('.assistant .badge').count()};
  },

  // the sessions list: newest first, named by their first line; switching shows the other session's turns
  async switching(page) {
    await page.goto(args.baseUrl);
    await waitForLive(page);
    const first = page.url();
    await send(page, sim('Alpha question', 'reply="alpha answer"'));
    await waitForText(page, /alpha answer/);
    await idle(page);
    await page.locator('#new-session').click();
    await page.waitForFunction(f => location.href !== f, first, {timeout: TIMEOUT});
    await waitForLive(page);
    const second = page.url();
    await send(page, sim('Beta question', 'reply="beta answer"'));
    await waitForText(page, /beta answer/);
    await idle(page);
    const titles = await page.locator('#sessions a').evaluateAll(as => as.map(a => a.firstChild.textContent));
    await page.locator('#sessions a', {hasText: 'Alpha question'}).click();
    await page.waitForFunction(f => location.href === f, first, {timeout: TIMEOUT});
    await waitForText(page, /alpha answer/);
    const switched = {afterSwitch: page.url(), log: await page.locator('#log').innerText(),
                      current: await page.locator('#sessions a[aria-current]').evaluate(a => a.firstChild.textContent)};
    // the list is the server's (GET /v1/sessions): with this browser's storage gone, a reload still lists both
    await page.evaluate(() => { localStorage.clear(); sessionStorage.clear(); });
    await page.reload();
    await waitForLive(page);
    await page.waitForFunction(() => [...document.querySelectorAll('#sessions a')]
      .map(a => a.firstChild.textContent).join('|').includes('Beta question|Alpha question'), null, {timeout: TIMEOUT});
    const titlesAfterReload = await page.locator('#sessions a')
      .evaluateAll(as => as.map(a => a.firstChild.textContent));
    return {first, second, titles, titlesAfterReload, ...switched};
  },

  // markdown with a highlighted code block (the README's screenshot); a <script> and an onerror handler never run
  async markdown(page) {
    await page.goto(args.baseUrl);
    await waitForLive(page);
    const reply = '## Reading a topic\\n\\nUse a **consumer** with `auto.offset.reset`:\\n\\n```java\\n'
      + 'try (var consumer = new KafkaConsumer<String, String>(props)) {\\n  consumer.subscribe(List.of(\\"parley\\"));\\n'
      + '  for (var r : consumer.poll(Duration.ofSeconds(1))) {\\n    System.out.println(r.value());\\n  }\\n}\\n```'
      + '\\n\\n- ordered per partition\\n- replayable from any offset';
    await send(page, sim('How do I read a Kafka topic in Java?', 'reply="' + reply + '"'));
    await waitForText(page, /replayable/);
    await idle(page);
    const body = page.locator('.assistant .body').last();
    const rendered = {
      heading: await body.locator('h2').innerText(),
      bold: await body.locator('strong').innerText(),
      inlineCode: await body.locator('p code').innerText(),
      highlighted: await body.locator('pre code.hljs span').count(),
      listItems: await body.locator('li').count(),
    };
    if (args.screenshots) {
      await page.screenshot({path: args.screenshots + '/chat.png'});
    }
    await send(page, sim('Try this', 'reply="<script>window.pwned = 1</script><img src=x onerror=window.pwned=2> '
      + '<a href=javascript:window.pwned=3>link</a> safe text"'));
    await waitForText(page, /safe text/);
    await idle(page);
    await page.locator('#log a', {hasText: 'link'}).click();
    return {...rendered,
      scripts: await page.locator('#log script').count(),
      handlers: await page.locator('#log [onerror]').count(),
      javascriptLinks: await page.locator('#log a[href^="javascript"]').count(),
      pwned: await page.evaluate(() => window.pwned ?? null),
    };
  },

  // errors are sentences, and a message that was not accepted is not shown as sent
  async errors(page) {
    await page.goto(args.baseUrl);
    await waitForLive(page);
    const big = 'x'.repeat(70_000);
    await page.locator('#text').fill(big);
    await page.locator('#text').press('Enter');
    await page.waitForSelector('#error:not([hidden])', {timeout: TIMEOUT});
    const tooLarge = {error: await page.locator('#error').innerText(), users: await page.locator('.user').count(),
                      kept: (await page.locator('#text').inputValue()).length};
    await page.context().setOffline(true);
    await page.locator('#text').fill('Are you there?');
    await page.locator('#text').press('Enter');
    await page.waitForFunction(() => /Cannot reach/.test(document.getElementById('error').innerText),
                               null, {timeout: TIMEOUT});
    const offline = {error: await page.locator('#error').innerText(), users: await page.locator('.user').count(),
                     kept: await page.locator('#text').inputValue()};
    await page.context().setOffline(false);
    await page.locator('#text').press('Enter');
    await waitForText(page, /\S/);
    await idle(page);
    return {tooLarge, offline, afterwards: {users: await page.locator('.user').allInnerTexts(),
                                             error: await page.locator('#error').isHidden()}};
  },
};

const browser = await chromium.launch({
  executablePath: process.env.PARLEY_CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
const errors = [];
try {
  const page = await browser.newPage({viewport: {width: 1280, height: 720}});
  page.on('pageerror', e => errors.push(e.message));
  page.setDefaultTimeout(TIMEOUT);
  const result = await scenarios[scenario](page);
  console.log(JSON.stringify({...result, pageErrors: errors}));
} finally {
  await browser.close();
}
