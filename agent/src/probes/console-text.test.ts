import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { cleanText, decodeConsole } from './console-text.js';

describe('console text', () => {
  it('keeps valid UTF-8 and reads anything else in the OEM code page', () => {
    expect(decodeConsole(Buffer.from('Réponse de 10.0.0.1', 'utf8'), 850)).toBe('Réponse de 10.0.0.1');
    expect(decodeConsole(iconv.encode('Estadísticas de ping, Mínimo = 1ms', 'cp850'), 850)).toBe('Estadísticas de ping, Mínimo = 1ms');
    expect(decodeConsole(iconv.encode('Статистика Ping', 'cp866'), 866)).toBe('Статистика Ping');
    expect(decodeConsole(iconv.encode('平均 = 5ms', 'cp932'), 932)).toBe('平均 = 5ms');
    expect(decodeConsole(Buffer.from([0x45, 0xa1]))).toBe('E¡');
  });

  it('cleans text for a field: no control characters, bounded', () => {
    expect(cleanText('line one\r\nline\ttwo\u0000')).toBe('line one line two');
    expect(cleanText('x'.repeat(300), 10)).toBe('x'.repeat(10));
  });
});
