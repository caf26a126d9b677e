// node:http and node:https for verify, loaded with require. An ESM `import http from 'node:http'`
// builds a facade of every export, and reading node:http's lazy WebSocket/EventSource exports loads
// Node's bundled undici: ~60-110 ms of CPU per verify and per up that asks Prometheus (issue 15).
// Loaded on first use: render imports this too (GPU discovery's Prometheus query), and node:https
// (TLS, crypto) cost ~4 ms of every `obsctl render`.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
export const http = (): typeof import('node:http') => require('node:http') as typeof import('node:http');
export const https = (): typeof import('node:https') => require('node:https') as typeof import('node:https');
