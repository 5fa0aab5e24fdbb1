/** The part of har-validator (promise API) the HAR tests use: it resolves with the HAR when valid and rejects with the schema errors. */
declare module 'har-validator' {
  interface HarValidationError extends Error {
    errors: unknown[];
  }
  const validator: {
    har(data: unknown): Promise<unknown>;
  };
  export type { HarValidationError };
  export default validator;
}
