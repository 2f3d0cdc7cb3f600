/**
 * Side by side: one question answered by the arms the user picks — the base model, RAG over the chosen
 * collection, an adapter, RAG + adapter — each through /v1/chat/completions with its own `model`, shown in
 * columns with its citations and timing.
 */
import { citationTarget, renderAnswerText, truncate } from './answer-view.js';
import type { AppContext } from './context.js';
import { h } from './dom.js';
import { renderWhyPanel } from './why-panel.js';
import type { ApiChatCompletion, ChatMessage, Citation } from './types.js';
import { armsFor } from './arms.js';

export function createSideBySide(ctx: AppContext): { element: HTMLElement; load(): Promise<void>; ask(question: string, history: ChatMessage[], signal: AbortSignal): Promise<HTMLElement> } {
  const choices = h('div', { class: 'arm-choices' });
  const note = h('p', { class: 'muted small' });
  const element = h('fieldset', { class: 'side-by-side', hidden: true }, h('legend', {}, 'Answer with'), choices, note);
  let models: string[] = [];
  const picked = new Set<string>();

  function render(): void {
    const arms = armsFor(models, ctx.collections.selected());
    if (picked.size === 0) for (const arm of arms.filter((a) => a.kind !== 'base').slice(0, 3)) picked.add(arm.model);
    choices.replaceChildren(
      ...arms.map((arm, i) => {
        const box = h('input', { type: 'checkbox', id: `arm-${i}`, value: arm.model, checked: picked.has(arm.model) });
        box.addEventListener('change', () => (box.checked ? picked.add(arm.model) : picked.delete(arm.model)));
        return h('span', { class: 'arm-choice' }, box, h('label', { for: `arm-${i}` }, arm.label));
      }),
    );
    const adapters = arms.some((a) => a.kind === 'adapter' || a.kind === 'rag+adapter');
    note.textContent = adapters ? 'Each arm answers the same question; columns show citations and time.' : 'No fine-tuned adapter yet: train one (Fine-tune) to compare it with RAG here.';
  }
  ctx.collections.subscribe(render);

  async function load(): Promise<void> {
    try {
      models = (await ctx.api.models()).data.map((m) => m.id);
      render();
    } catch (error) {
      note.textContent = error instanceof Error ? error.message : String(error);
    }
  }

  async function ask(question: string, history: ChatMessage[], signal: AbortSignal): Promise<HTMLElement> {
    const arms = armsFor(models, ctx.collections.selected()).filter((arm) => picked.has(arm.model));
    if (arms.length === 0) return h('p', { class: 'error', role: 'alert' }, 'Pick at least one arm to answer with.');
    const columns = h('div', { class: 'compare-columns', role: 'group', 'aria-label': 'Answers side by side' });
    await Promise.all(
      arms.map(async (arm) => {
        const body = h('div', { class: 'compare-body', 'aria-busy': 'true' }, h('p', { class: 'muted' }, 'Answering…'));
        const column = h('article', { class: 'compare-column', 'data-arm': arm.kind, 'aria-label': arm.label }, h('h2', { class: 'compare-title' }, arm.label), body);
        columns.append(column);
        const started = performance.now();
        try {
          const response = await ctx.api.chatCompletion({ model: arm.model, messages: [...history, { role: 'user' as const, content: question }].map((m) => ({ role: m.role, content: m.content })) }, signal);
          body.replaceWith(renderColumn(ctx, response, Math.round(performance.now() - started)));
        } catch (error) {
          body.replaceChildren(h('p', { class: 'error', role: 'alert' }, error instanceof Error ? error.message : String(error)));
          body.removeAttribute('aria-busy');
        }
      }),
    );
    return columns;
  }

  return { element, load, ask };
}

function renderColumn(ctx: AppContext, response: ApiChatCompletion, ms: number): HTMLElement {
  const tailor = response.tailor;
  const citations = (tailor?.citations ?? []) as Citation[];
  const onCite = (citation: Citation) => void ctx.viewer.open(citationTarget(citation));
  const text = response.choices[0]?.message.content ?? '';
  const tokens = response.usage.total_tokens;
  const body = h(
    'div',
    { class: 'compare-body' },
    tailor?.refused ? h('div', { class: 'refusal', role: 'note' }, h('strong', {}, 'No answer from the documents.')) : null,
    h('div', { class: 'answer-text' }, ...renderAnswerText(text, citations, onCite)),
    h('p', { class: 'compare-timing muted small' }, `${ms} ms · ${tokens} tokens${citations.length ? ` · ${citations.length} citation${citations.length === 1 ? '' : 's'}` : ' · no citations'}`),
  );
  if (citations.length > 0) {
    body.append(
      h('ol', { class: 'sources', 'aria-label': 'Sources' }, ...citations.map((c) => h('li', { value: c.n }, h('button', { type: 'button', class: 'source-link', onclick: () => onCite(c) }, c.title || c.source), h('q', { class: 'quote' }, truncate(c.quote, 160))))),
    );
  }
  if (tailor?.trace_id) {
    const traceId = tailor.trace_id;
    const why = h('button', { type: 'button', class: 'link-button' }, 'Why this answer');
    why.addEventListener('click', async () => {
      why.disabled = true;
      try {
        const trace = await ctx.api.trace(traceId);
        why.replaceWith(renderWhyPanel({ ...trace.answer, traceId }, (target) => void ctx.viewer.open(target)));
      } catch (error) {
        why.disabled = false;
        ctx.notify(error instanceof Error ? error.message : String(error), 'error');
      }
    });
    body.append(why);
  }
  return body;
}
