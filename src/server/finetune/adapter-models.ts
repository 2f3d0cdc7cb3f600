import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { TailorError } from '../../core/errors.js';
import { assertAdapterUsable, type AdapterManifest } from '../../finetune/registry.js';
import type { FinetuneStores } from '../../finetune/stores.js';
import { createChatModelFromSpec } from '../../providers/spec.js';
import type { ChatModel } from '../../providers/types.js';
import type { ServerDeps } from '../context.js';
import type { Principal } from '../keys.js';
import { adapterScope, mayRead } from './access.js';

/** `rag:hr+adapter:NAME` (RAG answered by the adapter's model) or `adapter:NAME` (the adapter's model alone). */
export const ADAPTER_SUFFIX = '+adapter:';
export const ADAPTER_PREFIX = 'adapter:';

export function splitAdapterModel(model: string): { model: string; adapter?: string } {
  if (model.startsWith(ADAPTER_PREFIX)) return { model: '', adapter: model.slice(ADAPTER_PREFIX.length) };
  const at = model.lastIndexOf(ADAPTER_SUFFIX);
  return at < 0 ? { model } : { model: model.slice(0, at), adapter: model.slice(at + ADAPTER_SUFFIX.length) };
}

/** Registered GGUF LoRA adapters a key may see (listed by /v1/models). */
export async function visibleAdapters(stores: FinetuneStores, principal: Principal): Promise<AdapterManifest[]> {
  const datasets = new Map((await stores.datasets.list()).map((m) => [m.name, m]));
  return (await stores.adapters.list()).filter((a) => a.format === 'gguf-lora' && mayRead(principal, adapterScope(a, datasets)));
}

export interface AdapterModels {
  /** The base model with the adapter applied; 404 when the key may not see it, 403 when it holds erased data. */
  get(principal: Principal, name: string): Promise<ChatModel>;
  close(): Promise<void>;
}

/** Loads each adapter's model once and keeps the last few (a GGUF model costs seconds to load). */
export function createAdapterModels(deps: Pick<ServerDeps, 'home' | 'owner' | 'logger' | 'env'>, keep = 2): AdapterModels {
  const loaded = new Map<string, Promise<ChatModel>>();
  const missing = (name: string) => new TailorError('NOT_FOUND', `The model "adapter:${name}" does not exist or your key has no access to it; GET /v1/models lists yours.`, { details: { param: 'model' } });
  const dispose = async (model: Promise<ChatModel>) => {
    await ((await model.catch(() => undefined)) as { dispose?: () => Promise<void> } | undefined)?.dispose?.();
  };
  return {
    async get(principal, name) {
      const listed = (await visibleAdapters(deps.owner, principal)).find((a) => a.name === name);
      if (!listed) throw missing(name);
      // get() brings the adapter's file to this machine when it was trained through another replica.
      const adapter = await deps.owner.adapters.get(name);
      assertAdapterUsable(adapter);
      if (!existsSync(adapter.baseModel.ref)) throw new TailorError('NOT_FOUND', `The base model of adapter "${name}" (${adapter.baseModel.ref}) is gone from this machine.`, { details: { param: 'model' } });
      const key = `${name}\u0000${adapter.createdAt}`;
      let model = loaded.get(key);
      if (!model) {
        model = createChatModelFromSpec(`gguf:${adapter.baseModel.ref}`, { env: deps.env, cacheDir: join(deps.home, 'cache'), logger: deps.logger, loraAdapters: [adapter.path] }).then((m) => {
          if (!m) throw new TailorError('INTERNAL', `No chat model for adapter "${name}".`);
          return m;
        });
        loaded.set(key, model);
        model.catch(() => loaded.delete(key));
        while (loaded.size > keep) {
          const [oldest, value] = loaded.entries().next().value as [string, Promise<ChatModel>];
          loaded.delete(oldest);
          void dispose(value);
        }
      }
      return model;
    },
    async close() {
      const all = [...loaded.values()];
      loaded.clear();
      await Promise.all(all.map(dispose));
    },
  };
}
