// The errors the client throws or reports: every one is an AffinityError with a string `code`.
// Imported by the wasm module (see src/error.rs) and re-exported by @affinity/client.

/** Base class of every error from @affinity/client. */
export class AffinityError extends Error {
  constructor(code, message, details) {
    super(message);
    this.name = new.target.name;
    /** A stable, machine-readable code such as "invalid-value" or "unknown-keyspace". */
    this.code = code;
    if (details !== undefined) Object.assign(this, details);
  }
}
/** The server refused a subscription or a publish (codes from the live protocol). */
export class ServerError extends AffinityError {}
/** A JS value does not fit its Avro schema, or bytes do not decode. */
export class ValueError extends AffinityError {}
/** A schema could not be fetched from the registry or parsed. */
export class SchemaError extends AffinityError {}
/** An HTTP call answered with an error status (`status` holds it) or failed. */
export class HttpError extends AffinityError {}
/** The connection or the client: closed, limits reached, a publish in doubt. */
export class ConnectionError extends AffinityError {}

const classes = { server: ServerError, value: ValueError, schema: SchemaError, http: HttpError, connection: ConnectionError };

export function makeError(kind, code, message, details) {
  const C = classes[kind] || AffinityError;
  return new C(code, message, details);
}
