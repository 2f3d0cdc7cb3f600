import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PDFDocument, StandardFonts, type PDFFont, type PDFPage } from 'pdf-lib';
import { loadPdf } from '../src/ingest/loaders/pdf.js';
import { LoadBudget } from '../src/ingest/loaders/budget.js';

const LEFT = [
  'The survey began in the spring of that year',
  'and covered every district of the northern',
  'province, with teams visiting each village',
  'twice to count households and livestock.',
  'Results were compiled by hand in the',
  'regional office before the autumn rains.',
];
const RIGHT = [
  'In the second phase the teams returned',
  'to measure water supply and the distance',
  'each household walked to reach a well,',
  'which turned out to predict school',
  'attendance better than income did for',
  'girls under twelve in every district.',
];

async function pdfWith(draw: (page: PDFPage, font: PDFFont) => void): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  draw(pdf.addPage([612, 792]), font);
  return pdf.save();
}

describe('PDF reading order', () => {
  test('a two-column page written row by row reads column by column, under its full-width title', async () => {
    const bytes = await pdfWith((page, font) => {
      page.drawText('Field Survey of the Northern Province', { x: 50, y: 740, size: 14, font });
      // Row by row: left line i, then right line i, as some producers write two-column pages.
      LEFT.forEach((line, i) => {
        page.drawText(line, { x: 50, y: 700 - i * 14, size: 10, font });
        page.drawText(RIGHT[i]!, { x: 320, y: 700 - i * 14, size: 10, font });
      });
    });
    const { text } = await loadPdf({ path: 'survey.pdf', bytes, budget: new LoadBudget('survey.pdf') });
    const normalised = text.replace(/\s+/g, ' ');
    assert.ok(normalised.startsWith('Field Survey of the Northern Province'), normalised.slice(0, 80));
    assert.ok(normalised.includes(LEFT.join(' ')), 'the left column reads as one passage');
    assert.ok(normalised.includes(RIGHT.join(' ')), 'the right column reads as one passage');
    assert.ok(normalised.indexOf(LEFT[5]!) < normalised.indexOf(RIGHT[0]!), 'the left column comes first');
  });

  test('a table (labels left, figures right) keeps each row on its line', async () => {
    const rows: Array<[string, string]> = [
      ['Net sales and other revenue', '3,226,773   2,729,388'],
      ['Cost of sales for the period', '2,014,270   1,702,059'],
      ['Gross profit for the period', '1,212,503   1,027,329'],
      ['Selling, general and administrative', '762,706   649,968'],
      ['Operating income for the period', '447,618   375,622'],
    ];
    const bytes = await pdfWith((page, font) => {
      rows.forEach(([label, figures], i) => {
        page.drawText(label, { x: 50, y: 700 - i * 14, size: 10, font });
        page.drawText(figures, { x: 380, y: 700 - i * 14, size: 10, font });
      });
    });
    const { text } = await loadPdf({ path: 'statement.pdf', bytes, budget: new LoadBudget('statement.pdf') });
    const lines = text.split('\n').map((line) => line.replace(/\s+/g, ' ').trim());
    for (const [label, figures] of rows) assert.ok(lines.includes(`${label} ${figures.replace(/\s+/g, ' ')}`), `row "${label}" kept whole in ${JSON.stringify(lines)}`);
  });
});
