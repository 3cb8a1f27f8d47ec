#!/usr/bin/env node
// Entry point of the `lanepay` bin (package.json). The CLI is TypeScript; tsx's loader compiles
// it on import, so there is no build step between editing a command and running it.
import { register } from 'tsx/esm/api';

register();
await import('./lanepay.ts');
