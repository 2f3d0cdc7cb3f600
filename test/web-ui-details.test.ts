/**
 * The web UI's small promises, in a real Chromium against the real server, on documents the test
 * writes itself: human wording, errors that clear, pages that keep their own collection, a viewer
 * that closes with its page, a paged and filterable document list, and an ask box that never
 * covers the answer.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { openWorkspace } from '../src/workspace.js';
import { createServer } from '../src/server/index.js';
import { tempDir } from './helpers/temp.js';
import { chromiumSkip, launchChromium } from './helpers/chromium.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const WEB_DIST = join(ROOT, 'dist/web');
const SCREENSHOTS = join(ROOT, 'test-output/screenshots');
const skip = chromiumSkip('the web UI tests');

test('web UI details: wording, stale errors, per-page collections, viewer, paging, ask box', { skip, timeout: 120_000 }, async () => {
  if (!existsSync(join(WEB_DIST, 'index.html'))) {
    const { build } = await import('vite');
    await build({ configFile: join(ROOT, 'web/vite.config.ts'), logLevel: 'warn' });
  }
  await mkdir(SCREENSHOTS, { recursive: true });
  const home = await tempDir('tailor-web-details-');
  const workspace = await openWorkspace({ home, embedder: 'none', env: {} });
  const notes = Array.from({ length: 30 }, (_, i) => ({
    source: `notes/note-${String(i + 1).padStart(2, '0')}.md`,
    title: `Note ${i + 1}`,
    text: `# Note ${i + 1}\n\nThe depot in district ${i + 1} opens at ${6 + (i % 4)} o'clock and ships ${100 + i} parcels a day.\n`,
  }));
  await workspace.tailor.ingestTexts({ items: notes, collection: 'notes' });
  const table = ['| Region | Parcels | Trucks |', '| --- | --- | --- |', ...Array.from({ length: 14 }, (_, i) => `| Region ${i + 1} | ${1000 + i * 37} | ${12 + i} |`)].join('\n');
  await workspace.tailor.ingestTexts({ items: [{ source: 'hr/fleet.md', title: 'Fleet report', text: `# Fleet report\n\nThe fleet report counts parcels and trucks per region.\n\n${table}\n` }], collection: 'hr' });

  const [server, browser] = await Promise.all([
    createServer({ workspace, webRoot: WEB_DIST }).listen(0, '127.0.0.1'),
    launchChromium(),
  ]);
  after(async () => {
    await browser.close();
    await server.close();
    await workspace.tailor.close();
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 760 } });
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));

  // The key page speaks to people, not to curl.
  await page.goto(`${server.url}/#/settings`);
  const settingsText = await page.locator('section.settings').innerText();
  assert.doesNotMatch(settingsText, /Bearer|Authorization/);

  // An error toast goes away once a later request succeeds.
  await page.evaluate(() => (globalThis as any).localStorage.setItem('tailor.apiKey', 'tlr_not-a-real-key'));
  await page.goto(`${server.url}/#/documents`);
  await page.getByRole('link', { name: 'Chat' }).click();
  await page.getByRole('link', { name: 'API key' }).click();
  await page.getByRole('button', { name: 'Forget key' }).click();
  await page.locator('.key-status.ok').waitFor();
  await page.getByRole('link', { name: 'Documents' }).click();
  await page.locator('table.documents').waitFor();
  assert.equal(await page.locator('.toast.error').count(), 0, 'no stale error toast after successful requests');

  // Documents: 30 notes arrive in pages of 25, and the filter narrows them.
  await page.locator('#documents-collection').selectOption('notes');
  await page.locator('.pager', { hasText: '1–25 of 30' }).waitFor();
  assert.equal(await page.locator('table.documents tbody tr').count(), 25);
  await page.getByRole('button', { name: 'Next' }).click();
  await page.locator('.pager', { hasText: '26–30 of 30' }).waitFor();
  await page.getByLabel('Filter').fill('note-07');
  await page.locator('.pager', { hasText: '1–1 of 1 (filtered from 30)' }).waitFor();
  await page.screenshot({ path: join(SCREENSHOTS, 'ui-details-documents.png') });

  // Chat's collection choice does not silently narrow Search.
  await page.getByRole('link', { name: 'Chat' }).click();
  await page.locator('#chat-collection').selectOption('hr');
  await page.getByRole('link', { name: 'Search' }).click();
  assert.equal(await page.locator('#search-collection').inputValue(), '', 'Search shows its own choice: all collections');
  await page.getByLabel('Query').fill('depot district parcels');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await page.locator('.search-results table.scores tbody tr').first().waitFor();

  // A refusal reads as a sentence, without internal option names.
  await page.getByRole('link', { name: 'Chat' }).click();
  await page.getByRole('textbox', { name: 'Question' }).fill('Who painted the ceiling of the Sistine Chapel?');
  await page.getByRole('button', { name: 'Ask', exact: true }).click();
  const refusal = page.locator('.transcript .turn .refusal').last();
  await refusal.waitFor();
  assert.doesNotMatch(await refusal.innerText(), /minSupport/);

  // The ask box never covers the answer's tables once scrolled to the end.
  await page.getByRole('textbox', { name: 'Question' }).fill('How many parcels and trucks does the fleet report count per region?');
  await page.getByRole('button', { name: 'Ask', exact: true }).click();
  const answer = page.locator('.transcript .turn').last().locator('.answer:not(.streaming)');
  await answer.waitFor();
  await answer.locator('details.why > summary').click();
  await answer.locator('details.why table').first().waitFor();
  await page.evaluate(() => {
    const g = globalThis as any;
    g.scrollTo(0, g.document.body.scrollHeight);
  });
  const lastTable = page.locator('.transcript table').last();
  const [tableBox, formBox] = [await lastTable.boundingBox(), await page.locator('.ask-form').boundingBox()];
  assert.ok(tableBox && formBox && tableBox.y + tableBox.height <= formBox.y + 1, `the last table (${JSON.stringify(tableBox)}) ends above the ask box (${JSON.stringify(formBox)})`);
  await page.screenshot({ path: join(SCREENSHOTS, 'ui-details-chat.png') });

  // On a phone, the source viewer closes when the user goes to another page.
  await page.setViewportSize({ width: 390, height: 800 });
  await answer.locator('button.cite').first().click();
  await page.locator('#viewer').waitFor({ state: 'visible' });
  await page.evaluate(() => ((globalThis as any).location.hash = '#/documents'));
  await page.locator('#viewer').waitFor({ state: 'hidden' });

  assert.deepEqual(pageErrors, []);
});
