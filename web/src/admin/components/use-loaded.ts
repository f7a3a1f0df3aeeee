// Something the console shows for a key (a record's id, usually), loaded when the key or a version counter changes.
// An answer that comes after the key moved on, or after the component went away, is dropped: a slow answer for the
// record opened before must not replace the one opened now.
import { type Dispatch, type SetStateAction, useEffect, useRef, useState } from 'react';
import { errorDetail } from '../../shared/api.ts';

export interface Loaded<T> {
  /** The last answer; null before the first and while there is no key. */
  data: T | null;
  /** Why the last load failed, as the sentence to show; cleared when the next load starts. */
  error: string | null;
  /** For a write that answers with the new record (a drawer after a workflow step). */
  setData: Dispatch<SetStateAction<T | null>>;
}

export interface LoadOptions {
  /** A counter bumped after a write, so the same key is loaded again. */
  version?: number;
  /** Data is null while the next answer loads, instead of the last answer. */
  clearWhileLoading?: boolean;
}

interface LoadTarget<T> {
  setData: (data: T | null) => void;
  setError: (error: string | null) => void;
}

/**
 * One load of `key` into `target`, for an effect to run: returns what drops its answer. null, undefined and '' mean
 * there is nothing to load: data is null.
 */
export function startLoad<K, T>(
  key: K | null | undefined,
  load: (key: K) => Promise<T>,
  target: LoadTarget<T>,
  clearWhileLoading = false,
): (() => void) | undefined {
  if (clearWhileLoading) target.setData(null);
  if (key === null || key === undefined || key === '') {
    target.setData(null);
    return;
  }
  let live = true;
  target.setError(null);
  load(key)
    .then((answer) => live && target.setData(answer))
    .catch((failure: unknown) => live && target.setError(errorDetail(failure)));
  return () => {
    live = false;
  };
}

/** `load(key)`, loaded again when `key` or `options.version` changes; `load` itself may change at every render. */
export function useLoaded<K, T>(
  key: K | null | undefined,
  load: (key: K) => Promise<T>,
  options: LoadOptions = {},
): Loaded<T> {
  const { version = 0, clearWhileLoading = false } = options;
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const latestLoad = useRef(load);
  useEffect(() => {
    latestLoad.current = load;
  });

  useEffect(() => {
    void version;
    return startLoad(key, latestLoad.current, { setData, setError }, clearWhileLoading);
  }, [key, version, clearWhileLoading]);

  return { data, error, setData };
}
