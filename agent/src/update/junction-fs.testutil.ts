import * as nodeFs from 'node:fs';
import path from 'node:path';
import type { JunctionFs } from './switch.win32.js';

const errno = (code: string, message: string): NodeJS.ErrnoException => Object.assign(new Error(`${code}: ${message}`), { code });

/**
 * A file system that behaves the way Node on Windows does where the junction switch depends on
 * it, laid over a real folder of this machine. With `path.win32`, `C:\...` paths live under
 * `<root>/C/...`; with `path.posix`, this machine's paths are used as they are.
 *
 * - `symlinkSync` makes only junctions (a symbolic link needs administrator rights) and resolves a
 *   relative target against the link's folder, as Node does for junctions;
 * - `readlinkSync` gives the absolute target with a trailing separator, as Node reads a junction;
 * - `renameSync` refuses to replace a folder or a junction (MoveFileEx), with EPERM;
 * - `rmSync` refuses to start at a junction (the test would otherwise not see the switch do it).
 *
 * Every change is recorded in `calls`; `renameFailures` makes the next renames fail with that code.
 */
export class WindowsLikeFs implements JunctionFs {
  readonly calls: string[] = [];
  readonly renameFailures: string[] = [];
  private readonly root: string;

  constructor(
    root: string,
    readonly path: path.PlatformPath,
  ) {
    this.root = nodeFs.realpathSync(root);
  }

  /** Where a path of the emulated system lives on this machine. */
  host(file: string): string {
    if (this.path === path.posix) return file;
    return path.join(this.root, file.replace(/^([A-Za-z]):/, '$1').split('\\').join('/'));
  }

  private guest(hostFile: string): string {
    if (this.path === path.posix) return hostFile;
    const [drive, ...rest] = path.relative(this.root, hostFile).split('/');
    return `${drive}:\\${rest.join('\\')}`;
  }

  symlinkSync(target: string, link: string, type: string): void {
    if (type !== 'junction') throw errno('EPERM', `operation not permitted, symlink '${target}' -> '${link}'`);
    const absolute = this.path.resolve(link, '..', target);
    this.calls.push(`junction ${link} -> ${absolute}`);
    nodeFs.symlinkSync(this.host(absolute), this.host(link));
  }

  readlinkSync(link: string): string {
    return this.guest(path.resolve(path.dirname(this.host(link)), nodeFs.readlinkSync(this.host(link)))) + this.path.sep;
  }

  lstatSync(file: string): nodeFs.Stats {
    return nodeFs.lstatSync(this.host(file));
  }

  unlinkSync(file: string): void {
    this.calls.push(`unlink ${file}`);
    nodeFs.unlinkSync(this.host(file));
  }

  renameSync(from: string, to: string): void {
    const failure = this.renameFailures.shift();
    if (failure) throw errno(failure, `rename '${from}' -> '${to}'`);
    const existing = nodeFs.lstatSync(this.host(to), { throwIfNoEntry: false });
    if (existing?.isDirectory() || existing?.isSymbolicLink()) throw errno('EPERM', `operation not permitted, rename '${from}' -> '${to}'`);
    this.calls.push(`rename ${from} -> ${to}`);
    nodeFs.renameSync(this.host(from), this.host(to));
  }

  realpathSync(file: string): string {
    return this.guest(nodeFs.realpathSync(this.host(file)));
  }

  rmSync(file: string, options: nodeFs.RmOptions): void {
    if (nodeFs.lstatSync(this.host(file), { throwIfNoEntry: false })?.isSymbolicLink()) throw new Error(`rmSync started at the junction ${file}`);
    this.calls.push(`rm ${file}`);
    nodeFs.rmSync(this.host(file), options);
  }

  readdirSync(dir: string): string[] {
    return nodeFs.readdirSync(this.host(dir));
  }

  /** Test setup: a version folder with an executable in it. */
  addVersion(dir: string, name: string, exe: string, content: string): void {
    const folder = this.host(this.path.join(dir, name));
    nodeFs.mkdirSync(folder, { recursive: true });
    nodeFs.writeFileSync(path.join(folder, exe), content, { mode: 0o755 });
  }
}
