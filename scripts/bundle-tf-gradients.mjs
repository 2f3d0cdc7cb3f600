// TensorFlow.js registers its gradients from ESM files with extensionless imports, which tsx resolves
// but plain Node (the built `tailor`) cannot: bundle them into one file beside the built trainer.
import { build } from 'esbuild';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const core = dirname(require.resolve('@tensorflow/tfjs-core/package.json'));
await build({
  entryPoints: [join(core, 'dist', 'register_all_gradients.js')],
  bundle: true,
  format: 'esm',
  platform: 'node',
  minify: true,
  logLevel: 'warning',
  outfile: 'dist/finetune/local/tf-gradients.js',
});
