// node:http and node:https for verify, loaded with require. An ESM `import http from 'node:http'`
// builds a facade of every export, and reading node:http's lazy WebSocket/EventSource exports loads
// Node's bundled undici: ~60-110 ms of CPU per verify and per up that asks Prometheus (issue 15).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
export const http = require('node:http') as typeof import('node:http');
export const https = require('node:https') as typeof import('node:https');
