// What each published package would put in its tarball (`npm pack --dry-run`): what users need
// (the built `dist`, `src` for source maps and declaration maps, README.md, LICENSE, package.json),
// every file its `exports` name, the repository's MIT LICENSE, a README that says the package is
// ESM only, and no tests, test helpers, fixtures or benchmarks.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@jest/globals';
import { repoRoot } from './readmes.js';

interface PackageJson {
  name: string;
  private?: boolean;
  license?: string;
  exports?: unknown;
}

const packages = readdirSync(join(repoRoot, 'packages'))
  .sort()
  .map((dir) => {
    const path = join(repoRoot, 'packages', dir);
    return {
      path,
      json: JSON.parse(readFileSync(join(path, 'package.json'), 'utf8')) as PackageJson,
    };
  })
  .filter((p) => !p.json.private);

/** The paths `npm pack` would put in the package's tarball. */
function packedFiles(dir: string): string[] {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: dir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    timeout: 60_000,
  });
  const [report] = JSON.parse(out) as [{ files: { path: string }[] }];
  return report.files.map((f) => f.path).sort();
}

/** Every file path named in an `exports` map, whatever the condition. */
function exportTargets(exports: unknown): string[] {
  if (typeof exports === 'string') return [exports.replace(/^\.\//, '')];
  if (exports === null || typeof exports !== 'object') return [];
  return Object.values(exports).flatMap(exportTargets);
}

const NOT_FOR_USERS = [
  /(^|\/)__tests__\//,
  /(^|\/)(test|tests|bench|fixtures|scripts)\//,
  /\.test\.[cm]?[jt]s$/,
  /(^|\/)test-[^/]*$/,
  /\.tsbuildinfo$/,
  /(^|\/)\.jest-results\.json$/,
  /(^|\/)(jest|eslint)\.config\.[cm]?js$/,
  /(^|\/)tsconfig[^/]*\.json$/,
];

test('there are packages to check', () => {
  expect(packages.map((p) => p.json.name)).toContain('@dask-ts/graph');
});

test.each(packages.map((p) => [p.json.name, p] as const))(
  '%s publishes what users need, a LICENSE, and no tests',
  (_, pkg) => {
    const files = packedFiles(pkg.path);
    expect(files).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json']));
    expect(
      files.filter(
        (f) => !/^(dist|src)\//.test(f) && !/^(LICENSE|README\.md|package\.json)$/.test(f),
      ),
    ).toEqual([]);
    expect(files.filter((f) => NOT_FOR_USERS.some((re) => re.test(f)))).toEqual([]);
    expect(exportTargets(pkg.json.exports).filter((t) => !files.includes(t))).toEqual([]);
    expect(pkg.json.license).toBe('MIT');
    expect(readFileSync(join(pkg.path, 'README.md'), 'utf8')).toMatch(/ESM only/);
    expect(readFileSync(join(pkg.path, 'LICENSE'), 'utf8')).toBe(
      readFileSync(join(repoRoot, 'LICENSE'), 'utf8'),
    );
  },
  120_000,
);
