/**
 * Regenerates the binary sample documents (PDF, DOCX) in samples/handbook from
 * the text below, so the committed files can always be reproduced.
 * Run: node --import tsx scripts/make-samples.ts
 */
import { writeFile } from 'node:fs/promises';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { Document, HeadingLevel, Packer, Paragraph } from 'docx';

const dir = new URL('../samples/handbook/', import.meta.url);

const pdfPages = [
  [
    'Warranty and Returns',
    '',
    'Northwind Robotics products carry a limited warranty from the date of delivery.',
    'The R2 robotic arm has a warranty of three years covering parts and labour.',
    'The M1 mobile base has a warranty of two years covering parts only.',
  ],
  [
    'Returns',
    '',
    'Customers may return an unused product within 30 days of delivery for a full refund.',
    'Returned products must be shipped in their original packaging.',
    'Refunds are issued within 14 days after the returned product arrives at our warehouse.',
  ],
];

async function makePdf(): Promise<void> {
  const pdf = await PDFDocument.create();
  pdf.setTitle('Warranty and Returns');
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (const lines of pdfPages) {
    const page = pdf.addPage([595, 842]);
    lines.forEach((line, i) => page.drawText(line, { x: 50, y: 780 - i * 20, size: i === 0 ? 18 : 11, font }));
  }
  await writeFile(new URL('warranty.pdf', dir), await pdf.save({ useObjectStreams: false }));
}

async function makeDocx(): Promise<void> {
  const doc = new Document({
    title: 'Remote Work Policy',
    sections: [
      {
        children: [
          new Paragraph({ text: 'Remote Work Policy', heading: HeadingLevel.HEADING_1 }),
          new Paragraph('Employees may work remotely up to three days per week, in agreement with their manager.'),
          new Paragraph({ text: 'Equipment', heading: HeadingLevel.HEADING_2 }),
          new Paragraph('Northwind Robotics pays a one-time home office allowance of 500 EUR for a desk and a chair.'),
          new Paragraph({ text: 'Working abroad', heading: HeadingLevel.HEADING_2 }),
          new Paragraph('Working from another country is allowed for up to 20 working days per year, after approval by HR.'),
        ],
      },
    ],
  });
  await writeFile(new URL('remote-work.docx', dir), await Packer.toBuffer(doc));
}

await makePdf();
await makeDocx();
console.log('wrote samples/handbook/warranty.pdf and samples/handbook/remote-work.docx');
