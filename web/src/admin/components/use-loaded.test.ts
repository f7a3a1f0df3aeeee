// No React renderer is installed for the unit tests: these test the load the hook's effect runs, with the state
// setters recorded.
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../shared/api.ts';
import { startLoad } from './use-loaded.ts';

function recorder<T>() {
  const calls: [string, unknown][] = [];
  return {
    calls,
    target: {
      setData: (data: T | null) => calls.push(['data', data]),
      setError: (error: string | null) => calls.push(['error', error]),
    },
  };
}

/** A load whose answer the test gives when it wants. */
function pending<T>() {
  let answer!: (value: T) => void;
  let fail!: (failure: unknown) => void;
  const promise = new Promise<T>((resolve, reject) => {
    answer = resolve;
    fail = reject;
  });
  return { load: vi.fn(() => promise), answer, fail };
}

const settled = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('startLoad', () => {
  it.each([null, undefined, ''])('loads nothing for the key %j: data is null, the error stays', (key) => {
    const { calls, target } = recorder<string>();
    const load = vi.fn(() => Promise.resolve('bill'));
    expect(startLoad<string, string>(key, load, target)).toBeUndefined();
    expect(load).not.toHaveBeenCalled();
    expect(calls).toEqual([['data', null]]);
  });

  it('clears the error, loads the key and keeps the last data until the answer comes', async () => {
    const { calls, target } = recorder<string>();
    const { load, answer } = pending<string>();
    startLoad('B-1', load, target);
    expect(load).toHaveBeenCalledWith('B-1');
    expect(calls).toEqual([['error', null]]);
    answer('bill B-1');
    await settled();
    expect(calls).toEqual([
      ['error', null],
      ['data', 'bill B-1'],
    ]);
  });

  it('with clearWhileLoading, data is null as soon as the load starts', () => {
    const { calls, target } = recorder<string>();
    startLoad('B-1', pending<string>().load, target, true);
    expect(calls).toEqual([
      ['data', null],
      ['error', null],
    ]);
  });

  it("shows a failure as the API's sentence", async () => {
    const { calls, target } = recorder<string>();
    const { load, fail } = pending<string>();
    startLoad('B-1', load, target);
    fail(new ApiError(404, '账单不存在'));
    await settled();
    expect(calls).toEqual([
      ['error', null],
      ['error', '账单不存在'],
    ]);
  });

  it('drops an answer or a failure that comes after the key moved on', async () => {
    const { calls, target } = recorder<string>();
    const first = pending<string>();
    const second = pending<string>();
    const drop = startLoad('B-1', first.load, target);
    drop?.();
    const dropSecond = startLoad('B-2', second.load, target);
    dropSecond?.();
    first.answer('bill B-1');
    second.fail(new Error('network'));
    await settled();
    expect(calls).toEqual([
      ['error', null],
      ['error', null],
    ]);
  });
});
