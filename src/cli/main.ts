#!/usr/bin/env node
import { runCli } from './program.js';

// Everything `tailor` writes (the home, datasets, adapters, uploads, exports derived from
// documents) is the organisation's data: readable by the invoking user alone.
process.umask(0o077);
const code = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() });
process.exitCode = code;
