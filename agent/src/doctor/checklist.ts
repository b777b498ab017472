/** One line of the doctor's checklist. */
export interface CheckLine {
  /** pass ✓, fail ✗ (exit non-zero), warn ! (worth knowing, not broken), skip – (not checked). */
  status: 'pass' | 'fail' | 'warn' | 'skip';
  /** What was found, in plain words. */
  text: string;
  /** What to do about it. */
  fix?: string;
}

export const pass = (text: string): CheckLine => ({ status: 'pass', text });
export const fail = (text: string, fix: string): CheckLine => ({ status: 'fail', text, fix });
export const warn = (text: string, fix?: string): CheckLine => (fix ? { status: 'warn', text, fix } : { status: 'warn', text });
export const skip = (text: string): CheckLine => ({ status: 'skip', text });

/** Legacy Windows consoles show UTF-8 ticks as garbage; Windows Terminal sets WT_SESSION. */
function marks(): Record<CheckLine['status'], string> {
  const unicode = process.platform !== 'win32' || Boolean(process.env.WT_SESSION);
  return unicode ? { pass: '✓', fail: '✗', warn: '!', skip: '–' } : { pass: 'OK', fail: 'X ', warn: '! ', skip: '- ' };
}

export function renderChecklist(lines: readonly CheckLine[]): string {
  const mark = marks();
  const out = lines.map((l) => `${mark[l.status]} ${l.text}${l.fix ? `\n    → ${l.fix}` : ''}`);
  const failed = lines.filter((l) => l.status === 'fail').length;
  out.push('', failed === 0 ? 'No problems found.' : `${failed} problem${failed === 1 ? '' : 's'} found.`);
  return `${out.join('\n')}\n`;
}
