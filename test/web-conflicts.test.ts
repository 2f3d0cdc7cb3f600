/** The web UI shows conflicting sources: both values, each with a citation that opens its passage (real Chromium, real server). */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { startServer } from './server-fixture.js';
import { chromiumSkip, launchChromium } from './helpers/chromium.js';

const WEB_DIST = fileURLToPath(new URL('../dist/web/', import.meta.url));
const skip = chromiumSkip('the web UI tests');

test('web UI: an answer whose sources disagree shows both values with their citations', { skip, timeout: 90_000 }, async () => {
  if (!existsSync(join(WEB_DIST, 'index.html'))) {
    const { build } = await import('vite');
    await build({ configFile: fileURLToPath(new URL('../web/vite.config.ts', import.meta.url)), logLevel: 'warn' });
  }
  const f = await startServer({
    collections: {
      handbook: [
        { source: 'handbook-2023.md', title: 'Handbook 2023', format: 'markdown', text: 'New employees get 25 days of paid vacation per calendar year.' },
        { source: 'handbook-2024.md', title: 'Handbook 2024', format: 'markdown', text: 'New employees get 30 days of paid vacation per calendar year.' },
      ],
    },
    server: { webRoot: WEB_DIST },
  });
  const browser = await launchChromium();
  after(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  await page.goto(`${f.url}/#/chat`);
  await page.locator('#chat-collection option[value="handbook"]').waitFor({ state: 'attached' });
  await page.locator('#chat-collection').selectOption('handbook');
  await page.getByRole('textbox', { name: 'Question' }).fill('How many days of paid vacation do new employees get?');
  await page.getByRole('button', { name: 'Ask', exact: true }).click();
  const note = page.locator('.transcript .answer .conflict').first();
  await note.waitFor({ timeout: 20_000 });
  const text = await note.innerText();
  assert.match(text, /Your sources disagree/);
  assert.match(text, /25 days/);
  assert.match(text, /30 days/);
  assert.equal(await note.locator('button.cite').count(), 2);
  await note.locator('button.cite').nth(1).click();
  const mark = page.locator('#viewer mark.passage');
  await mark.waitFor();
  assert.match(await mark.innerText(), /New employees get (25|30) days of paid vacation/);
});
