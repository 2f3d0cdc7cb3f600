import { TailorError } from '../../core/errors.js';
import type { LoadedDocument } from '../../core/types.js';
import { joinPages } from './pdf.js';
import { fileTitle, type LoaderInput } from './source.js';
import { dirnameOf, firstElementText, localName, relationships, xmlEvents } from './xml.js';
import { openZip, type ZipArchive } from './zip.js';
import type { LoadBudget } from './budget.js';

/** Placeholders that repeat on every slide or notes page and say nothing about its content. */
const FURNITURE_PLACEHOLDERS = new Set(['sldNum', 'dt', 'ftr', 'hdr', 'sldImg']);
const TITLE_PLACEHOLDERS = new Set(['title', 'ctrTitle']);
const NOTES_RELATIONSHIP = /\/notesSlide$/;

interface ShapeText {
  placeholder?: string;
  paragraphs: string[];
}

/** Paragraphs of a slide or notes part, shape by shape in drawing order (table cells included). */
export function shapeTexts(xml: string, budget: LoadBudget): ShapeText[] {
  const shapes: ShapeText[] = [];
  let shape: ShapeText | undefined;
  let paragraph: string | undefined;
  let inText = false;
  let cellTexts: string[] | undefined;
  for (const event of xmlEvents(xml, budget)) {
    if (event.type === 'open') {
      const name = localName(event.name);
      if (name === 'sp' || name === 'graphicFrame') shapes.push((shape = { paragraphs: [] }));
      else if (name === 'ph' && shape) shape.placeholder = event.attrs.type ?? 'body';
      else if (name === 'tr') cellTexts = [];
      else if (name === 'p') paragraph = '';
      else if (name === 't') inText = true;
      else if ((name === 'br' || name === 'tab') && paragraph !== undefined) paragraph += name === 'br' ? '\n' : '\t';
    } else if (event.type === 'close') {
      const name = localName(event.name);
      if (name === 't') inText = false;
      else if (name === 'p' && paragraph !== undefined) {
        const text = paragraph.replace(/[ \t]+/g, ' ').trim();
        if (text) {
          if (cellTexts) cellTexts.push(text);
          else shape?.paragraphs.push(text);
        }
        paragraph = undefined;
      } else if (name === 'tr' && cellTexts) {
        if (cellTexts.length > 0) shape?.paragraphs.push(cellTexts.join(' | '));
        cellTexts = undefined;
      }
    } else if (inText && paragraph !== undefined) {
      paragraph += event.text;
    }
  }
  return shapes.filter((s) => s.paragraphs.length > 0 && !FURNITURE_PLACEHOLDERS.has(s.placeholder ?? ''));
}

function slideParts(zip: ZipArchive, budget: LoadBudget): string[] {
  const presentation = zip.readText('ppt/presentation.xml');
  if (presentation === undefined) {
    throw new TailorError('PARSE_FAILED', `${budget.path} is not a readable PPTX (no ppt/presentation.xml). Re-save it from PowerPoint or LibreOffice as .pptx.`, {
      details: { path: budget.path },
    });
  }
  const rels = relationships(zip.readText('ppt/_rels/presentation.xml.rels'), 'ppt', budget);
  const parts: string[] = [];
  for (const event of xmlEvents(presentation, budget)) {
    if (event.type !== 'open' || localName(event.name) !== 'sldId') continue;
    const id = Object.entries(event.attrs).find(([key]) => localName(key) === 'id' && key.includes(':'))?.[1];
    const target = id ? rels.get(id)?.target : undefined;
    if (target && zip.has(target)) parts.push(target);
  }
  return parts;
}

/** PowerPoint: each slide's title as a heading, its text, then its speaker notes; the slide number is the page. */
export async function loadPptx({ path, bytes, budget }: LoaderInput): Promise<LoadedDocument> {
  const zip = openZip(bytes, budget, 'PPTX');
  const slides = slideParts(zip, budget);
  const pageTexts: string[] = [];
  let firstTitle: string | undefined;
  let notesCount = 0;
  slides.forEach((part, index) => {
    const shapes = shapeTexts(zip.readText(part) ?? '', budget);
    const titleShape = shapes.find((s) => TITLE_PLACEHOLDERS.has(s.placeholder ?? ''));
    const title = titleShape?.paragraphs.join(' ').replace(/\s+/g, ' ');
    firstTitle ??= title;
    const body = shapes.filter((s) => s !== titleShape).flatMap((s) => s.paragraphs);
    const notesPart = [...relationships(zip.readText(`${dirnameOf(part)}/_rels/${part.slice(part.lastIndexOf('/') + 1)}.rels`), dirnameOf(part), budget).values()]
      .find((rel) => NOTES_RELATIONSHIP.test(rel.type))?.target;
    const notes = notesPart
      ? shapeTexts(zip.readText(notesPart) ?? '', budget).filter((s) => s.placeholder === 'body' || s.placeholder === undefined).flatMap((s) => s.paragraphs)
      : [];
    if (notes.length > 0) notesCount += 1;
    const blocks = [`## ${title || `Slide ${index + 1}`}`, ...body];
    if (notes.length > 0) blocks.push(`Notes: ${notes.join('\n\n')}`);
    pageTexts.push(body.length > 0 || notes.length > 0 || title ? blocks.join('\n\n') : '');
    budget.checkTime(`slide ${index + 1}`);
  });
  const { text, pages } = joinPages(pageTexts);
  if (text.length === 0) {
    throw new TailorError('EMPTY_DOCUMENT', `${path} has ${slides.length} slide(s) but no text on them (pictures only?).`, { details: { path, slideCount: slides.length } });
  }
  const title = firstElementText(zip.readText('docProps/core.xml'), 'title', budget) ?? firstTitle ?? fileTitle(path);
  return { text, format: 'pptx', title, pages, metadata: { slideCount: slides.length, slidesWithNotes: notesCount } };
}
