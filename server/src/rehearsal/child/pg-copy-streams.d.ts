// The part of pg-copy-streams the COPY clone uses (the package ships no types).
declare module 'pg-copy-streams' {
  import type { Readable, Writable } from 'node:stream';
  import type { Submittable } from 'pg';
  export function to(sql: string): Submittable & Readable;
  export function from(sql: string): Submittable & Writable;
}
