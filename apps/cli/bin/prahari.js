#!/usr/bin/env node
// The CLI is TypeScript compiled by `tsc -b` (run by `npm install` through the root `prepare` script).
import '../dist/main.js';
