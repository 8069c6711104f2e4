import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';
import { GRAPHIQL_ASSETS_DIR, GRAPHIQL_ASSET_FILES } from './assets';

/**
 * Bundles GraphiQL (npm `graphiql`, React, graphql-js) and the page's bootstrap
 * (`client/entry.jsx`) into one script and one stylesheet, so /graphiql needs nothing but the
 * gateway: no CDN, no web fonts (GraphiQL's fonts are inlined as data: URLs).
 * Run by `npm run generate` (`tsx src/http/graphiql/build.ts`); takes a few seconds.
 */
export async function buildGraphiqlAssets(outDir: string = GRAPHIQL_ASSETS_DIR): Promise<{ file: string; bytes: number }[]> {
  const result = await build({
    entryPoints: { graphiql: path.join(__dirname, 'client', 'entry.jsx') },
    outdir: outDir,
    write: false,
    bundle: true,
    minify: true,
    format: 'iife',
    platform: 'browser',
    target: ['chrome109', 'firefox115', 'safari16'],
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    // Anything a stylesheet references is inlined: the page must not load from elsewhere.
    loader: { '.woff2': 'dataurl', '.woff': 'dataurl', '.ttf': 'dataurl', '.png': 'dataurl', '.svg': 'dataurl', '.gif': 'dataurl' },
    // Licence notices of the bundled packages stay at the end of each file.
    legalComments: 'eof',
    charset: 'utf8',
    logLevel: 'warning',
  });

  const written: { file: string; bytes: number }[] = [];
  await mkdir(outDir, { recursive: true });
  for (const output of result.outputFiles) {
    const file = path.basename(output.path);
    if (!(GRAPHIQL_ASSET_FILES as readonly string[]).includes(file)) throw new Error(`unexpected GraphiQL bundle output ${file}`);
    if (file.endsWith('.css')) assertNoExternalLoads(file, output.text);
    // Written aside and renamed: a running gateway never serves half a file.
    const temporary = `${output.path}.${process.pid}.tmp`;
    await writeFile(temporary, output.contents);
    await rename(temporary, output.path);
    written.push({ file, bytes: output.contents.byteLength });
  }
  return written;
}

/** A stylesheet may only reference data: URLs; an @import or a url(http…) would leave localhost. */
function assertNoExternalLoads(file: string, css: string): void {
  const external = [...css.matchAll(/@import\s+[^;]+;|url\(\s*["']?(?!data:)[^)"']+/g)].map((match) => match[0].slice(0, 120));
  if (external.length > 0) throw new Error(`${file} would load from outside the gateway: ${external.join(', ')}`);
}

if (require.main === module) {
  const started = Date.now();
  buildGraphiqlAssets().then(
    (files) => {
      const sizes = files.map(({ file, bytes }) => `${file} ${(bytes / 1024).toFixed(0)} KiB`).join(', ');
      process.stdout.write(`GraphiQL bundle: ${sizes} in ${path.relative(process.cwd(), GRAPHIQL_ASSETS_DIR)} (${Date.now() - started} ms)\n`);
    },
    (error: unknown) => {
      process.stderr.write(`Building the GraphiQL bundle failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
