// Bundles the trader's page into one directory the daemon serves as it is:
//   node web/build.mjs [--outdir DIR]      (default: web/dist)
// index.html and the favicon are copied; src/main.js with lightweight-charts becomes app.js and
// styles/app.css becomes app.css. Nothing is fetched at run time, so the page works offline and
// under the daemon's strict Content-Security-Policy.
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const front = path.join(here, 'frontend');

function parseArgs(argv) {
  const args = { outdir: path.join(here, 'dist') };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--outdir' && argv[i + 1]) args.outdir = path.resolve(argv[++i]);
    else throw new Error(`build.mjs: unknown argument ${argv[i]} (usage: node build.mjs [--outdir DIR])`);
  }
  return args;
}

async function loadEsbuild() {
  try {
    return await import('esbuild');
  } catch {
    throw new Error('build.mjs: esbuild is not installed in web/node_modules; run deploy/setup.sh (npm ci in web/)');
  }
}

async function main() {
  const { outdir } = parseArgs(process.argv.slice(2));
  const esbuild = await loadEsbuild();
  await mkdir(outdir, { recursive: true });
  for (const stale of ['app.js', 'app.js.map', 'app.css', 'app.css.map', 'app.js.gz', 'app.css.gz', 'index.html.gz']) await rm(path.join(outdir, stale), { force: true });

  const common = {
    bundle: true,
    minify: true,
    sourcemap: 'linked',
    target: ['chrome109', 'firefox115', 'safari16'],
    legalComments: 'linked',
    logLevel: 'warning',
    absWorkingDir: here,
  };
  await esbuild.build({
    ...common,
    entryPoints: [path.join(front, 'src/main.js')],
    outfile: path.join(outdir, 'app.js'),
    format: 'esm',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  await esbuild.build({
    ...common,
    entryPoints: [path.join(front, 'styles/app.css')],
    outfile: path.join(outdir, 'app.css'),
  });
  await copyFile(path.join(front, 'favicon.svg'), path.join(outdir, 'favicon.svg'));

  // Precompressed siblings: the daemon sends file.gz to browsers that accept gzip.
  const html = await readFile(path.join(front, 'index.html'), 'utf8');
  for (const name of ['app.js', 'app.css', 'favicon.svg']) {
    const bytes = await readFile(path.join(outdir, name));
    await writeFile(path.join(outdir, `${name}.gz`), gzipSync(bytes, { level: 9 }));
  }
  await writeFile(path.join(outdir, 'index.html.gz'), gzipSync(Buffer.from(html), { level: 9 }));
  // Written last and atomically enough for CMake: index.html is the build's stamp output.
  await writeFile(path.join(outdir, 'index.html'), html);
}

main().catch((err) => {
  console.error(err.message ?? err);
  process.exit(1);
});
