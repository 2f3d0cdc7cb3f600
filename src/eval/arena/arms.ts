import { TailorError } from '../../core/errors.js';
import { parseChatSpec } from '../../providers/spec.js';
import { ARM_KINDS, type ArmKind, type ArmSpec } from './types.js';

export const DEFAULT_K = 4;

/** Which arms retrieve passages and which use a fine-tuned adapter. */
export const RETRIEVES: Record<ArmKind, boolean> = { base: false, prompt: false, rag: true, ft: false, 'rag+ft': true, raft: true };
export const NEEDS_ADAPTER: Record<ArmKind, boolean> = { base: false, prompt: false, rag: false, ft: true, 'rag+ft': true, raft: true };

function bad(arm: string, reason: string): TailorError {
  return new TailorError(
    'INVALID_ARGUMENT',
    `Arm "${arm}": ${reason}. Arms look like base=gguf:m.gguf,rag=extractive,ft=gguf:m.gguf+adapter:NAME (kinds: ${ARM_KINDS.join(', ')}; a name may add a suffix, e.g. rag-k8=extractive+k:8).`,
    { details: { arm } },
  );
}

/** The kind an arm's name states: a kind itself, or a kind followed by "-suffix". */
export function kindOf(name: string): ArmKind | undefined {
  const sorted = [...ARM_KINDS].sort((a, b) => b.length - a.length);
  return sorted.find((kind) => name === kind || name.startsWith(`${kind}-`));
}

/**
 * Parses `--arms`: comma-separated `name[=model[+adapter:NAME][+k:N]]`. An arm without a model
 * uses `defaultModel` (`--llm`). Model specs are checked here so a typo fails before any work.
 */
export function parseArms(text: string, options: { defaultModel?: string; k?: number } = {}): ArmSpec[] {
  const entries = text.split(',').map((s) => s.trim()).filter(Boolean);
  if (entries.length === 0) throw new TailorError('INVALID_ARGUMENT', '--arms names no arm: e.g. --arms base=gguf:m.gguf,rag=extractive');
  const arms: ArmSpec[] = [];
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    const name = (eq < 0 ? entry : entry.slice(0, eq)).trim();
    let model = eq < 0 ? undefined : entry.slice(eq + 1).trim();
    const kind = kindOf(name);
    if (!kind) throw bad(name, `the name must be one of the kinds or start with one followed by "-"`);
    if (arms.some((a) => a.name === name)) throw bad(name, 'named twice');
    let adapter: string | undefined;
    let k = options.k ?? DEFAULT_K;
    if (model !== undefined) {
      for (;;) {
        const match = /\+(adapter|k):([^+]+)$/.exec(model);
        if (!match) break;
        if (match[1] === 'adapter') adapter = match[2]!.trim();
        else {
          k = Number(match[2]);
          if (!Number.isInteger(k) || k < 1 || k > 100) throw bad(name, `k must be a whole number from 1 to 100, not "${match[2]}"`);
        }
        model = model.slice(0, match.index);
      }
    }
    model = model || options.defaultModel;
    if (!model) throw bad(name, 'no model: write name=<model spec> or pass --llm');
    try {
      parseChatSpec(model);
    } catch (cause) {
      throw new TailorError('INVALID_ARGUMENT', `Arm "${name}": ${(cause as Error).message}`, { cause, details: { arm: name } });
    }
    if (model === 'extractive' && !RETRIEVES[kind]) throw bad(name, `the extractive answerer only quotes retrieved passages, so a "${kind}" arm (no retrieval) needs a generative model such as gguf:<path>`);
    if (adapter && !NEEDS_ADAPTER[kind]) throw bad(name, `a "${kind}" arm uses no adapter; use an ft, rag+ft or raft arm for adapter:${adapter}`);
    if (adapter && !model.startsWith('gguf:')) throw bad(name, 'adapters apply to local GGUF models: use gguf:<base model path>+adapter:NAME');
    arms.push({ name, kind, model, adapter, k });
  }
  return arms;
}
