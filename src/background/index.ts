// Service worker entry point. Listeners must be registered synchronously at top level.
export {};
