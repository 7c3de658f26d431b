// Where worker threads load the demo kernels from. Built code finds kernels.js next to itself.
// Under jest the demo runs from src/*.ts, which a worker thread cannot import (jest's transform
// does not reach it), so the built twin in dist/ is used; the CLI's tests depend on the build.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The absolute `file:` URL of the built kernels module.
 *
 * @example
 * moduleRef(kernelsUrl(), 'parseValues');
 */
export function kernelsUrl(): string {
  const here = new URL('./kernels.js', import.meta.url);
  if (existsSync(fileURLToPath(here))) return here.href;
  const built = new URL(here.href.replace(/\/src\/demo\/kernels\.js$/, '/dist/demo/kernels.js'));
  if (built.href !== here.href && existsSync(fileURLToPath(built))) return built.href;
  throw new Error(
    `The demo kernels are not built: neither ${fileURLToPath(here)} nor ${fileURLToPath(built)} exists. Run 'npm run build' in apps/cli.`,
  );
}
