// whatwg-mimetype 5 ships no type declarations; this covers the part the engine uses.
declare module 'whatwg-mimetype' {
  export class MIMEType {
    constructor(input: string);
    static parse(input: string): MIMEType | null;
    readonly type: string;
    readonly subtype: string;
    readonly essence: string;
    readonly parameters: Map<string, string>;
    toString(): string;
  }
}
