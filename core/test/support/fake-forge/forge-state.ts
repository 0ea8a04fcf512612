// What the fake forge remembers besides git: pull requests, their comments and commit statuses.
// Both dialects share it, as one forge would.
export interface FakePull {
  number: number;
  title: string;
  body: string;
  head: string; // branch
  base: string;
  state: 'open' | 'closed';
  merged: boolean;
  mergeCommit?: string;
  mergedAt?: string;
  frozenHead?: string; // head sha once closed or merged
  user: string;
  mergedBy?: string;
  createdAt: string;
  updatedAt: string;
  closedAt?: string;
}

export interface FakeComment {
  id: number;
  issue: number;
  body: string;
  user: string;
  createdAt: string;
}

export interface FakeStatus {
  id: number;
  sha: string;
  state: string;
  context: string;
  description: string;
  targetUrl: string | null;
  user: string;
  createdAt: string;
}

export class ForgeState {
  pulls: FakePull[] = [];
  comments: FakeComment[] = [];
  statuses: FakeStatus[] = [];
  #ids = 100;

  nextId(): number {
    return ++this.#ids;
  }

  pull(number: number): FakePull | undefined {
    return this.pulls.find((p) => p.number === number);
  }

  nextNumber(): number {
    return this.pulls.length + 1;
  }
}

export function now(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}
