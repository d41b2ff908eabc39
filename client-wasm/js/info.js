// The `info` argument of a subscription's callback, made in one call from wasm (an object
// literal here costs less than setting its properties one by one from wasm).

/** `{ offset, deleted, schemaId? }`: `schemaId` undefined means the key has no value. */
export function valueInfo(offset, schemaId) {
  return schemaId === undefined ? { offset, deleted: true } : { offset, deleted: false, schemaId };
}
