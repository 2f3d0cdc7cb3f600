/**
 * A Node module-resolution hook for TensorFlow.js's ESM files. `@tensorflow/tfjs-core` ships its
 * gradient registrations only as ESM whose imports omit file extensions (`./gradients/Abs_grad`),
 * which bundlers and tsx accept but plain Node does not. This hook retries such a relative import
 * with `.js`, then `/index.js`, and only inside `@tensorflow/` packages.
 */
interface ResolveContext {
  parentURL?: string;
}
type NextResolve = (specifier: string, context: ResolveContext) => Promise<{ url: string }>;

export async function resolve(specifier: string, context: ResolveContext, nextResolve: NextResolve): Promise<{ url: string }> {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    const code = (error as { code?: string }).code;
    const fromTensorFlow = context.parentURL?.includes('/node_modules/@tensorflow/') ?? false;
    const relative = specifier.startsWith('./') || specifier.startsWith('../');
    if (!fromTensorFlow || !relative || /\.[cm]?js$/.test(specifier)) throw error;
    if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'ERR_UNSUPPORTED_DIR_IMPORT') throw error;
    // As bundlers resolve it: `./gradients` is the file gradients.js when one exists beside a folder of that name.
    try {
      return await nextResolve(`${specifier}.js`, context);
    } catch {
      return nextResolve(`${specifier}/index.js`, context);
    }
  }
}
