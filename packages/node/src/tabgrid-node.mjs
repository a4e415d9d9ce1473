#!/usr/bin/env node
// Plain JS on purpose: the bin must run before a TypeScript loader exists. Registering tsx in
// this process (rather than a `npx tsx` shebang) keeps the agent one process, so a supervisor's
// SIGTERM reaches it directly; npm exec does not forward signals to its children.
import { register } from 'tsx/esm/api';

register();
await import('./cli.ts');
