// The one platform global the engine uses: the WHATWG URL parser (https://url.spec.whatwg.org/#api),
// which every JavaScript runtime the engine runs in has (browsers, the extension worker, Node).
// Only tsconfig.engine.json includes this file; the DOM and Node typings declare the full interface.

interface URL {
  readonly origin: string;
  readonly protocol: string;
  readonly username: string;
  readonly password: string;
  readonly host: string;
  readonly hostname: string;
  readonly port: string;
  readonly pathname: string;
  readonly search: string;
  readonly hash: string;
  readonly href: string;
}

declare var URL: {
  prototype: URL;
  new (url: string, base?: string): URL;
  canParse(url: string, base?: string): boolean;
};
