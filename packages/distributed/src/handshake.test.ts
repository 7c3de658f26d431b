import { describe, expect, it } from '@jest/globals';
import { PROTOCOL_VERSION } from '@dask-ts/protocol';
import { helloMessage, refusal } from './handshake.js';

describe('handshake', () => {
  it('accepts a hello of the same version and token', () => {
    expect(refusal(helloMessage('worker', 'w', 's'), 's')).toBeUndefined();
    expect(refusal(helloMessage('client'), undefined)).toBeUndefined();
  });

  it('names what does not match', () => {
    expect(
      refusal(helloMessage('worker', 'w', undefined, PROTOCOL_VERSION + 1), undefined),
    ).toMatch(
      `the worker speaks dask-ts protocol version ${PROTOCOL_VERSION + 1}, but this scheduler speaks version ${PROTOCOL_VERSION}`,
    );
    expect(refusal(helloMessage('client', undefined, 'x'), 's')).toMatch(/token does not match/);
    expect(refusal(helloMessage('client'), 's')).toMatch(/requires a token/);
    expect(refusal(helloMessage('client', undefined, 'x'), undefined)).toMatch(/has none/);
    expect(refusal({ op: 'compute' }, undefined)).toMatch(
      /first message must be a dask-ts hello.*'compute'/,
    );
    expect(refusal(42, undefined)).toMatch(/first message must be a dask-ts hello/);
  });
});
