import { describe, expect, it } from 'vitest';
import { classifyAnswer, classifyNetworkError, droppedCount, errorMessage, offendingLines } from './influx-answer.js';

describe('classifying InfluxDB write answers', () => {
  it('maps every status class', () => {
    const kinds = [200, 204, 400, 401, 403, 404, 405, 408, 413, 422, 429, 500, 502, 503, 504].map((s) => [s, classifyAnswer(s, '').kind]);
    expect(Object.fromEntries(kinds)).toEqual({
      200: 'ok',
      204: 'ok',
      400: 'rejected',
      401: 'config',
      403: 'config',
      404: 'config',
      405: 'config',
      408: 'transient',
      413: 'tooLarge',
      422: 'rejected',
      429: 'transient',
      500: 'transient',
      502: 'transient',
      503: 'transient',
      504: 'transient',
    });
  });

  it('tells a partial write (others written) from a whole refusal', () => {
    expect(classifyAnswer(400, '{"error":"partial write: field type conflict: input field \\"v\\" on measurement \\"m\\" is type integer, already exists as type float dropped=1"}')).toMatchObject({ kind: 'rejected', partial: true });
    expect(classifyAnswer(400, '{"error":"field type conflict"}')).toEqual({ kind: 'rejected', status: 400, message: 'field type conflict', partial: false });
  });

  it('reads the error text of 1.x, 2.x and plain answers', () => {
    expect(errorMessage('{"error":"database not found: \\"x\\""}')).toBe('database not found: "x"');
    expect(errorMessage('{"code":"unauthorized","message":"unauthorized access"}')).toBe('unauthorized access');
    expect(errorMessage('Bad Gateway\n')).toBe('Bad Gateway');
    expect(errorMessage('', 'timeout')).toBe('timeout');
    expect(classifyAnswer(502, '')).toMatchObject({ kind: 'transient', message: 'HTTP 502' });
  });

  it('treats connection errors as transient', () => {
    const err = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    expect(classifyNetworkError(err)).toEqual({ kind: 'transient', status: 0, message: 'ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:1' });
  });

  it('reads dropped=N', () => {
    expect(droppedCount('partial write: points beyond retention policy dropped=3')).toBe(3);
    expect(droppedCount('field type conflict')).toBeUndefined();
  });
});

describe('finding the lines a 400 names', () => {
  const lines = ['m,h=a v=1 1', 'm,h=b v=true 2', 'n,h=c v=true 3', "m,h=d s=\"it's\" 4", 'm,h=e v="x" 5'];

  it('finds lines of a field type conflict by measurement, field and type (1.6.7 wording)', () => {
    const message = 'partial write: field type conflict: input field "v" on measurement "m" is type boolean, already exists as type float dropped=1';
    expect([...offendingLines(message, lines)]).toEqual([1]);
    const two = 'partial write: field type conflict: input field "v" on measurement "m" is type boolean, already exists as type float field type conflict: input field "v" on measurement "m" is type string, already exists as type float dropped=2';
    expect([...offendingLines(two, lines)]).toEqual([1, 4]);
  });

  it('finds unparsable lines quoted in the message, quotes inside them included', () => {
    const message = "partial write: unable to parse 'm,h=d s=\"it's\" 4': invalid field format\nunable to parse 'm,h=a v=1 1': bad timestamp dropped=0";
    expect([...offendingLines(message, lines)].sort()).toEqual([0, 3]);
  });

  it('names nothing when the message does not say', () => {
    expect(offendingLines('partial write: points beyond retention policy dropped=2', lines).size).toBe(0);
  });
});
