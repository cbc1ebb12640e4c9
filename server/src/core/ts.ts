// The TypeScript compiler API, taken from ts-morph so the bundle carries one copy of the compiler.
// The core walks compiler nodes directly: wrapping every node in ts-morph objects is several times slower.
import { ts } from 'ts-morph';

export { ts };
