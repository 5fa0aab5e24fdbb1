/**
 * har-validator ships no type declarations; this covers the part the HAR tests use. `har()` resolves
 * with the HAR when it is valid and rejects with an error whose `errors` are ajv's.
 */
declare module 'har-validator' {
  const validator: {
    har(data: unknown): Promise<unknown>;
  };
  export default validator;
}
