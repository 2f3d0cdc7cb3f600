/** Which side-by-side arms a model list offers (no DOM: unit-tested under Node). */
export interface Arm {
  model: string;
  kind: 'base' | 'rag' | 'adapter' | 'rag+adapter';
  label: string;
}

/** The arms a model list offers for one collection ('' = every collection the key can read). */
export function armsFor(models: string[], collection: string): Arm[] {
  const arms: Arm[] = [];
  for (const model of models) {
    const adapter = /(?:^|\+)adapter:(.+)$/.exec(model)?.[1];
    const rag = model.startsWith('rag:') ? model.slice(4).split('+')[0] : undefined;
    if (rag !== undefined && collection && rag !== collection) continue;
    if (rag !== undefined && adapter) arms.push({ model, kind: 'rag+adapter', label: `RAG + adapter ${adapter}` });
    else if (rag !== undefined) arms.push({ model, kind: 'rag', label: `RAG (${rag})` });
    else if (adapter) arms.push({ model, kind: 'adapter', label: `Adapter ${adapter}` });
    else arms.push({ model, kind: 'base', label: model === 'extractive' ? 'Extractive (all collections)' : `Base model (${model})` });
  }
  const order = { base: 0, rag: 1, adapter: 2, 'rag+adapter': 3 };
  return arms.sort((a, b) => order[a.kind] - order[b.kind] || a.model.localeCompare(b.model));
}
