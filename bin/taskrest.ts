#!/usr/bin/env node
/**
 * The `taskrest` command: runs cli/main.ts on the arguments and exits with
 * its code.
 */
import { main } from '../cli/main.js';

const code = await main(process.argv.slice(2));
// Let stdout drain, then exit even if a library left a handle open.
process.stdout.write('', () => process.exit(code));
