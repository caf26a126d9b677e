// `npm run build`, step 2: the CLI entry bundled with esbuild over tsc's dist/src/cli/bin.js.
// Why: a cold `obsctl render` spent most of its time resolving and loading a few hundred small
// modules (ours, zod, yaml, the Grafana foundation SDK); one bundle with a chunk per lazily loaded
// command loads a handful of files instead (issue 15). bin.js keeps its Node-version check first
// and loads everything else with a dynamic import, so an old Node still gets the clear exit 3.
// dockerode is bundled too, but three of its parts load on first use, from node_modules as before:
// BuildKit sessions (gRPC + protobuf, reading .proto files next to their sources) and SSH hosts
// (ssh2, a native addon). obsctl uses neither on a local socket, and loading them cost ~300 ms of
// every command that talks to the engine. Running tsc alone still gives a working, unbundled bin.js.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const outdir = path.join(root, 'dist', 'src', 'cli');
fs.rmSync(path.join(outdir, 'chunks'), { recursive: true, force: true });
/**
 * A plugin: `require('./x')` inside package P loads P/lib/x.js from node_modules when first used.
 * `call` parts are required at the top of their importer and used as functions (wrapped in one);
 * the others are required inside a function already (esbuild initialises a module on first require).
 */
function deferred(parts) {
  const lazy = new Map(Object.entries(parts).flatMap(([pkg, specs]) => Object.entries(specs).map(([spec, how]) => [`${pkg}:${spec}`, { real: `${pkg}/lib/${spec.slice(2)}.js`, how }])));
  return {
    name: 'deferred',
    setup(b) {
      b.onResolve({ filter: /^\.\/\w+$/ }, (args) => {
        const pkg = /node_modules\/([^/]+)\/lib\/[^/]+$/.exec(args.importer)?.[1];
        const part = pkg && lazy.get(`${pkg}:${args.path}`);
        return part ? { path: `${part.real}?${part.how}`, namespace: 'deferred' } : undefined;
      });
      b.onResolve({ filter: /^[\w-]+\/lib\/\w+\.js$/, namespace: 'deferred' }, (args) => ({ path: args.path, external: true }));
      b.onLoad({ filter: /.*/, namespace: 'deferred' }, (args) => {
        const [real, how] = args.path.split('?');
        const load = `require(${JSON.stringify(real)})`;
        return { contents: how === 'call' ? `module.exports = function () { return ${load}.apply(this, arguments); };` : `module.exports = ${load};`, loader: 'js' };
      });
    },
  };
}

const dashboardsCjs = path.join(outdir, 'dashboards.cjs');
// Integrations (src/integrations/*) build their dashboards with the SDK too, only when configured.
const integrationDashboards = fs.readdirSync(path.join(root, 'dashboards', 'integrations')).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3));
await build({
  stdin: {
    contents: [
      "export { buildDashboards } from './dashboards/index.ts';",
      "export { profileCapabilities } from './src/render/capabilities.ts';",
      ...integrationDashboards.map((name) => `export * as ${name} from './dashboards/integrations/${name}.ts';`),
    ].join('\n'),
    resolveDir: root,
    loader: 'ts',
    sourcefile: 'dashboards-entry.ts',
  },
  outfile: dashboardsCjs,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node22',
  logLevel: 'warning',
  legalComments: 'none',
});
const sdkBuilt = createRequire(import.meta.url)(dashboardsCjs);
const { buildDashboards, profileCapabilities } = sdkBuilt;
const datasourceUid = 'obsctl-prometheus'; // src/render/grafana.ts prometheusDatasourceUid
// Each prebuilt set is a JSON file beside the bundle, read when asked for: as string literals inside
// the bundle they were ~500 kB of JavaScript every command loaded (issue 15).
const prebuiltDir = path.join(outdir, 'dashboards');
fs.rmSync(prebuiltDir, { recursive: true, force: true });
fs.mkdirSync(prebuiltDir, { recursive: true });
const prebuilt = {};
for (const profile of ['none', 'nvidia', 'gb10']) {
  for (const anomalies of [false, true]) {
    const json = JSON.stringify(buildDashboards({ profile, datasourceUid, slos: [], anomalies }));
    const file = `${profile}${anomalies ? '-anomalies' : ''}.json`;
    fs.writeFileSync(path.join(prebuiltDir, file), json);
    prebuilt[dashboardsKey({ profile, datasourceUid, slos: [], anomalies })] = file;
    // What the stand-in below relies on: a GPU reporting the profile's expected counters gets these.
    const gpu = profile === 'none' ? undefined : profileCapabilities(profile);
    if (gpu && JSON.stringify(buildDashboards({ profile, datasourceUid, gpu, slos: [], anomalies })) !== json) throw new Error(`dashboards for ${profile} with its expected counters differ from the default ones: update scripts/bundle-cli.mjs`);
  }
}

/** A virtual module standing in for dashboards/index.js in the CLI bundle (see above). */
function prebuiltDashboards() {
  return {
    name: 'prebuilt-dashboards',
    setup(b) {
      b.onResolve({ filter: /dashboards\/index\.js$/ }, (args) => (args.importer.endsWith(path.join('src', 'render', 'grafana.ts')) ? { path: 'dashboards', namespace: 'prebuilt' } : undefined));
      b.onLoad({ filter: /.*/, namespace: 'prebuilt' }, () => ({
        resolveDir: root,
        loader: 'js',
        contents: `import { builtinModules, createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from './src/paths.ts';
import { profileCapabilities } from './src/render/capabilities.ts';
const prebuilt = ${JSON.stringify(prebuilt)};
${dashboardsKey.toString()}
export function buildDashboards(opts) {
  // The GPU's reported counters equal to the profile's expected ones build the same dashboards.
  const plain = opts.gpu && opts.profile !== 'none' && JSON.stringify(opts.gpu) === JSON.stringify(profileCapabilities(opts.profile)) ? { ...opts, gpu: undefined } : opts;
  const hit = prebuilt[dashboardsKey(plain)];
  if (hit) return JSON.parse(fs.readFileSync(path.join(packageRoot, 'dist', 'src', 'cli', 'dashboards', hit), 'utf8'));
  return createRequire(import.meta.url)(path.join(packageRoot, 'dist', 'src', 'cli', 'dashboards.cjs')).buildDashboards(opts);
}
`,
      }));
    },
  };
}

/** dashboards/integrations/<name>.js for src/: its constants as values, its functions loading dashboards.cjs on first call. */
function deferredIntegrationDashboards() {
  return {
    name: 'deferred-integration-dashboards',
    setup(b) {
      b.onResolve({ filter: /dashboards\/integrations\/\w+\.js$/ }, (args) => {
        const name = /(\w+)\.js$/.exec(args.path)[1];
        return args.importer.includes(`${path.sep}src${path.sep}`) && integrationDashboards.includes(name) ? { path: name, namespace: 'integration-dashboards' } : undefined;
      });
      b.onLoad({ filter: /.*/, namespace: 'integration-dashboards' }, (args) => ({
        resolveDir: root,
        loader: 'js',
        contents: [
          "import { builtinModules, createRequire } from 'node:module';",
          "import path from 'node:path';",
          "import { packageRoot } from './src/paths.ts';",
          "const sdk = () => createRequire(import.meta.url)(path.join(packageRoot, 'dist', 'src', 'cli', 'dashboards.cjs'));",
          ...Object.entries(sdkBuilt[args.path]).map(([key, value]) =>
            typeof value === 'function' ? `export const ${key} = (...a) => sdk().${args.path}.${key}(...a);` : `export const ${key} = ${JSON.stringify(value)};`,
          ),
        ].join('\n'),
      }));
    },
  };
}

/**
 * zod's translated error messages (40-odd locales, ~370 kB bundled): obsctl's errors are its own,
 * in English, so only zod's English locale (its default) is kept.
 */
function zodEnglishOnly() {
  return {
    name: 'zod-english-only',
    setup(b) {
      b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) => (/node_modules[\\/]zod[\\/]/.test(args.importer) ? { path: path.join(path.dirname(args.importer), '..', 'locales', 'en.js'), namespace: 'zod-locales' } : undefined));
      b.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({ resolveDir: path.dirname(args.path), loader: 'js', contents: `export { default as en } from './en.js';` }));
    },
  };
}

/**
 * Node's built-in modules, for `import x from 'node:x'` in the ESM parts of the bundle, through
 * require. An ESM import of a built-in builds a facade of all its exports, reading every lazy one:
 * node:fs then loads its streams and fs/promises, node:http Node's bundled undici (~110 ms of CPU
 * for verify and up). Exports imported by name are read once (getters: see cheapGetters).
 */
// Lazy exports (getters) imported by name somewhere in the bundle, and cheap to read. The others
// (fs.promises and fs streams, http's WebSocket, webcrypto, process.stdin...) are reached through
// the default export only, when used; a new named import of one fails the build, to be added here.
const cheapGetters = { util: ['aborted', 'transferableAbortSignal', 'transferableAbortController'], events: ['captureRejections', 'EventEmitterAsyncResource', 'defaultMaxListeners'] };

function builtinsViaRequire() {
  const nodeRequire = createRequire(import.meta.url);
  const builtins = new Set(builtinModules);
  return {
    name: 'builtins-via-require',
    setup(b) {
      b.onResolve({ filter: /^[\w:/]+$/ }, (args) => (args.kind === 'import-statement' && (args.path.startsWith('node:') || builtins.has(args.path)) ? { path: args.path, namespace: 'builtin' } : undefined));
      b.onLoad({ filter: /.*/, namespace: 'builtin' }, (args) => {
        const mod = nodeRequire(args.path);
        const cheap = cheapGetters[args.path.replace(/^node:/, '')] ?? [];
        const names = Object.keys(mod).filter((k) => /^[A-Za-z_$][\w$]*$/.test(k) && k !== 'default' && ('value' in Object.getOwnPropertyDescriptor(mod, k) || cheap.includes(k)));
        const body = [`const m = require(${JSON.stringify(args.path)});`, 'export default m;', ...names.map((k) => `export const ${k} = m.${k};`)];
        return { contents: body.join('\n'), loader: 'js' };
      });
    },
  };
}

/**
 * @prometheus-io/lezer-promql, built on first use. Its module body deserializes the PromQL grammar
 * (with @lezer/lr and @lezer/highlight, ~5 ms at every start): config parsing and render import it
 * (custom SLI selectors, the dashboard queries in stack.json) but only a few configs parse PromQL.
 * `parser` stands in for the real one (every property read goes to it); the grammar's node ids
 * are numbers, copied as they are. Another kind of export fails the build, to be handled here.
 */
function lazyPromqlParser() {
  const real = createRequire(import.meta.url)('@prometheus-io/lezer-promql');
  const exportsOf = Object.entries(real).map(([key, value]) => {
    if (key === 'parser') return 'export const parser = new Proxy({}, { get: (_, key) => { const p = load(); const v = p[key]; return typeof v === "function" ? v.bind(p) : v; } });';
    if (typeof value === 'number') return `export const ${key} = ${value};`;
    throw new Error(`@prometheus-io/lezer-promql exports ${key} (${typeof value}): update lazyPromqlParser in scripts/bundle-cli.mjs`);
  });
  return {
    name: 'lazy-promql-parser',
    setup(b) {
      b.onResolve({ filter: /^@prometheus-io\/lezer-promql$/ }, (args) => (args.namespace === 'lazy-promql' ? undefined : { path: 'lezer-promql', namespace: 'lazy-promql' }));
      b.onLoad({ filter: /.*/, namespace: 'lazy-promql' }, () => ({
        resolveDir: root,
        loader: 'js',
        contents: ['let parser_;', "const load = () => (parser_ ??= require('@prometheus-io/lezer-promql').parser);", ...exportsOf].join('\n'),
      }));
    },
  };
}

/** Every option that changes the dashboards, in a fixed order (undefined and absent alike). */
function dashboardsKey(o) {
  return JSON.stringify([o.profile, o.datasourceUid, o.gpu ?? null, o.slos ?? [], o.anomalies ?? false]);
}

/**
 * The identity of this build: a hash of what the bundle is made of (sources, dashboards, the lock
 * file, this script). src/app/render-memo.ts keeps a render result only under it, so a rebuilt
 * obsctl never reads a result rendered by another.
 */
function buildIdentity() {
  const hash = createHash('sha256');
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else hash.update(`${path.relative(root, p)}\0`).update(fs.readFileSync(p));
    }
  };
  walk(path.join(root, 'src'));
  walk(path.join(root, 'dashboards'));
  for (const f of ['package.json', 'package-lock.json', 'scripts/bundle-cli.mjs']) hash.update(f).update(fs.readFileSync(path.join(root, f)));
  return hash.digest('hex').slice(0, 32);
}

await build({
  entryPoints: [path.join(root, 'src', 'cli', 'bin.ts')],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  chunkNames: 'chunks/[name]-[hash]',
  plugins: [builtinsViaRequire(), zodEnglishOnly(), lazyPromqlParser(), prebuiltDashboards(), deferredIntegrationDashboards(), deferred({ dockerode: { './session': 'call', './buildkit': 'module' }, 'docker-modem': { './ssh': 'call' } })],
  // CommonJS dependencies bundled into ESM still call require() for Node's built-ins.
  banner: { js: `import { createRequire as __obsctlRequire } from 'node:module'; const require = __obsctlRequire(import.meta.url); globalThis.__obsctlBuildId ??= ${JSON.stringify(buildIdentity())};` },
  allowOverwrite: true,
  logLevel: 'warning',
  legalComments: 'none',
});

