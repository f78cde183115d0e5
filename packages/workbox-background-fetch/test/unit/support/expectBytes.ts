/** Byte-for-byte equality (jest's toEqual walks typed arrays one element at a time). */
export function expectBytes(actual: Uint8Array | undefined, expected: Uint8Array): void {
  expect(actual).toBeDefined();
  expect(actual!.length).toBe(expected.length);
  expect(Buffer.compare(Buffer.from(actual!), Buffer.from(expected))).toBe(0);
}
