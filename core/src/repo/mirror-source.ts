// Makes any revision source over the mirror fetch first: "where is main?" becomes "fetch, then
// look". A failed fetch throws (the reconciler reports FetchFailed and keeps serving the last
// applied revision); everything else is read from the mirror as from the embedded repo.
import type { RepoMirror } from './mirror.ts';

export interface HeadSource {
  head(): Promise<string>;
}

export function fetchingSource<S extends HeadSource>(mirror: RepoMirror, inner: S): S {
  return new Proxy(inner, {
    get(target, property, receiver) {
      if (property === 'head') {
        return async () => {
          await mirror.fetch();
          return target.head();
        };
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
