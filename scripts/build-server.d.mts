/** Bundles src/main.ts and src/cli.ts into outDir (default dist/server); resolves to the bundles' absolute paths. */
export function buildServer(options?: { outDir?: string }): Promise<{ main: string; cli: string }>;
/** Bundles `entries` (name → source file) into outDir as `<name>.mjs`; resolves to their absolute paths. */
export function buildServer<Name extends string>(options: {
  outDir?: string;
  entries: Record<Name, string>;
}): Promise<Record<Name, string>>;
