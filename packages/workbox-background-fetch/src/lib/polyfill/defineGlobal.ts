/**
 * Defines `name` on the global object as WebIDL interfaces are defined:
 * writable, configurable, not enumerable. Replaces what is there (WebKit's
 * flagged, refusing interfaces); callers decide whether to.
 *
 * @private
 */
export function defineGlobal(name: string, value: unknown): void {
  Object.defineProperty(globalThis, name, {value, writable: true, configurable: true});
}

/**
 * Makes the accessors `names` of `proto` enumerable, as WebIDL attributes
 * are: code that copies a registration with `for…in` (as the
 * web-platform-tests do) sees its fields.
 *
 * @private
 */
export function enumerateAccessors(proto: object, names: string[]): void {
  for (const name of names) {
    const descriptor = Object.getOwnPropertyDescriptor(proto, name)!;
    Object.defineProperty(proto, name, {...descriptor, enumerable: true});
  }
}
