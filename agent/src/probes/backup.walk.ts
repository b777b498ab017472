import { lstat, opendir, stat } from 'node:fs/promises';
import path from 'node:path';

export interface WalkLimits {
  /** Directory levels entered below each path (0: only the path's own entries). */
  maxDepth: number;
  /** Directory entries looked at over all paths, at most. */
  maxEntries: number;
}

export interface WalkResult {
  files: number;
  /** Newest modification time of a matching file, epoch ms. */
  newestMs?: number;
  /** The entry limit stopped the walk early. */
  truncated: boolean;
  /** Human reasons for paths that could not be read. */
  errors: string[];
}

/** A file name glob (`*.bak`, `backup-????.zip`) as a regular expression; `*` and `?` only. */
export function globToRegExp(glob: string, ignoreCase: boolean): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, ignoreCase ? 'i' : '');
}

function reason(p: string, err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return `path ${p}: not found`;
  if (code === 'EACCES' || code === 'EPERM') return `path ${p}: permission denied`;
  return `path ${p}: ${(err as Error).message}`;
}

/**
 * Finds the newest matching file under each path. Bounded: at most `maxEntries` directory
 * entries and `maxDepth` levels; symbolic links inside the tree are never followed, so the walk
 * cannot leave it or loop. The configured path itself may be a link (a mounted share).
 */
export async function newestFile(paths: readonly string[], match: RegExp | undefined, limits: WalkLimits, signal?: AbortSignal): Promise<WalkResult> {
  const result: WalkResult = { files: 0, truncated: false, errors: [] };
  let seen = 0;
  const consider = (name: string, mtimeMs: number) => {
    if (match && !match.test(name)) return;
    result.files++;
    if (result.newestMs === undefined || mtimeMs > result.newestMs) result.newestMs = mtimeMs;
  };

  for (const root of paths) {
    let rootStat;
    try {
      rootStat = await stat(root);
    } catch (err) {
      result.errors.push(reason(root, err));
      continue;
    }
    if (rootStat.isFile()) {
      consider(path.basename(root), rootStat.mtimeMs);
      continue;
    }
    const stack: { dir: string; depth: number }[] = [{ dir: root, depth: 0 }];
    while (stack.length > 0) {
      const { dir, depth } = stack.pop()!;
      let handle;
      try {
        handle = await opendir(dir);
      } catch (err) {
        result.errors.push(reason(dir, err));
        continue;
      }
      for await (const entry of handle) {
        if (signal?.aborted) throw signal.reason as Error;
        if (++seen > limits.maxEntries) {
          result.truncated = true;
          return result; // leaving the loop closes the directory handle
        }
        const full = path.join(dir, entry.name);
        if (entry.isSymbolicLink()) continue;
        if (entry.isDirectory()) {
          if (depth < limits.maxDepth) stack.push({ dir: full, depth: depth + 1 });
        } else if (entry.isFile()) {
          try {
            consider(entry.name, (await lstat(full)).mtimeMs);
          } catch {
            // removed while we looked
          }
        }
      }
    }
  }
  return result;
}
