/**
 * A minimal TrueType font built in code: two glyphs (.notdef and "A", both a plain box), with every
 * table Chromium's OpenType Sanitizer requires. The lab serves it so an `@font-face` load over
 * CORS really completes in the browser; a font it rejected would look like a CORS failure.
 */

const UNITS_PER_EM = 1000;
const ADVANCE_WIDTH = 600;
const BOX = { xMin: 100, yMin: 0, xMax: 500, yMax: 700 };
const ASCENDER = 800;
const DESCENDER = -200;
const FAMILY_NAME = 'CORS Lab';
const MAPPED_CHARACTER = 0x41; // "A"

/** Big-endian writer for the fixed-layout records TrueType tables are made of. */
class TableWriter {
  private readonly bytes: number[] = [];

  u8(value: number): this {
    this.bytes.push(value & 0xff);
    return this;
  }
  u16(value: number): this {
    return this.u8(value >>> 8).u8(value);
  }
  i16(value: number): this {
    return this.u16(value & 0xffff);
  }
  u32(value: number): this {
    return this.u16(value >>> 16).u16(value & 0xffff);
  }
  tag(name: string): this {
    for (const char of name) this.u8(char.charCodeAt(0));
    return this;
  }
  raw(data: Uint8Array): this {
    for (const byte of data) this.u8(byte);
    return this;
  }
  zeros(count: number): this {
    for (let index = 0; index < count; index++) this.u8(0);
    return this;
  }
  get length(): number {
    return this.bytes.length;
  }
  toBytes(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

function boxGlyph(): Uint8Array {
  const points: Array<[number, number]> = [
    [BOX.xMin, BOX.yMin],
    [BOX.xMin, BOX.yMax],
    [BOX.xMax, BOX.yMax],
    [BOX.xMax, BOX.yMin],
  ];
  const glyph = new TableWriter().i16(1).i16(BOX.xMin).i16(BOX.yMin).i16(BOX.xMax).i16(BOX.yMax);
  glyph.u16(points.length - 1).u16(0); // end point of the only contour; no hinting instructions
  const ON_CURVE = 0x01;
  for (let index = 0; index < points.length; index++) glyph.u8(ON_CURVE);
  // Coordinates are deltas from the previous point, as full 16-bit values (no short-vector flags).
  let previousX = 0;
  for (const [x] of points) {
    glyph.i16(x - previousX);
    previousX = x;
  }
  let previousY = 0;
  for (const [, y] of points) {
    glyph.i16(y - previousY);
    previousY = y;
  }
  while (glyph.length % 4 !== 0) glyph.u8(0);
  return glyph.toBytes();
}

function headTable(): TableWriter {
  return new TableWriter()
    .u32(0x00010000)
    .u32(0x00010000) // fontRevision 1.0
    .u32(0) // checkSumAdjustment, patched once the whole font exists
    .u32(0x5f0f3cf5)
    .u16(0b1011) // baseline at y=0, left sidebearing at x=0, integer ppem
    .u16(UNITS_PER_EM)
    .zeros(16) // created and modified timestamps
    .i16(BOX.xMin)
    .i16(BOX.yMin)
    .i16(BOX.xMax)
    .i16(BOX.yMax)
    .u16(0) // macStyle: regular
    .u16(8) // lowestRecPPEM
    .i16(2) // fontDirectionHint
    .i16(1) // indexToLocFormat: 32-bit offsets
    .i16(0);
}

function hheaTable(glyphCount: number): TableWriter {
  const leftSideBearing = BOX.xMin;
  const extent = leftSideBearing + (BOX.xMax - BOX.xMin);
  return new TableWriter()
    .u32(0x00010000)
    .i16(ASCENDER)
    .i16(DESCENDER)
    .i16(0) // lineGap
    .u16(ADVANCE_WIDTH)
    .i16(leftSideBearing)
    .i16(ADVANCE_WIDTH - extent)
    .i16(extent)
    .i16(1) // caretSlopeRise: upright
    .i16(0)
    .i16(0)
    .zeros(8)
    .i16(0) // metricDataFormat
    .u16(glyphCount);
}

function maxpTable(glyphCount: number): TableWriter {
  return new TableWriter()
    .u32(0x00010000)
    .u16(glyphCount)
    .u16(4) // maxPoints
    .u16(1) // maxContours
    .u16(0)
    .u16(0)
    .u16(2) // maxZones: no twilight zone use, but 2 is what every font says
    .zeros(18);
}

function os2Table(): TableWriter {
  return new TableWriter()
    .u16(4)
    .i16(ADVANCE_WIDTH)
    .u16(400) // usWeightClass: regular
    .u16(5) // usWidthClass: medium
    .u16(0) // fsType: installable
    .i16(650)
    .i16(600)
    .i16(0)
    .i16(75) // subscript size and offset
    .i16(650)
    .i16(600)
    .i16(0)
    .i16(350) // superscript size and offset
    .i16(50)
    .i16(250) // strikeout size and position
    .i16(0) // sFamilyClass
    .zeros(10) // PANOSE: any
    .u32(1)
    .u32(0)
    .u32(0)
    .u32(0) // ulUnicodeRange: Basic Latin
    .tag('NONE')
    .u16(0x40) // fsSelection: REGULAR
    .u16(MAPPED_CHARACTER)
    .u16(MAPPED_CHARACTER)
    .i16(ASCENDER)
    .i16(DESCENDER)
    .i16(0)
    .u16(ASCENDER)
    .u16(-DESCENDER)
    .u32(1)
    .u32(0) // ulCodePageRange: Latin 1
    .i16(500) // sxHeight
    .i16(BOX.yMax) // sCapHeight
    .u16(0)
    .u16(0x20)
    .u16(1);
}

/** Windows Unicode BMP cmap, format 4: one segment for "A" and the mandatory 0xFFFF terminator. */
function cmapTable(): TableWriter {
  const segments = [
    { start: MAPPED_CHARACTER, end: MAPPED_CHARACTER, delta: 1 - MAPPED_CHARACTER },
    { start: 0xffff, end: 0xffff, delta: 1 },
  ];
  const segCount = segments.length;
  const searchRange = 2 * 2 ** Math.floor(Math.log2(segCount));
  const subtable = new TableWriter()
    .u16(4)
    .u16(16 + 8 * segCount)
    .u16(0) // language
    .u16(segCount * 2)
    .u16(searchRange)
    .u16(Math.log2(searchRange / 2))
    .u16(segCount * 2 - searchRange);
  for (const segment of segments) subtable.u16(segment.end);
  subtable.u16(0);
  for (const segment of segments) subtable.u16(segment.start);
  for (const segment of segments) subtable.i16(segment.delta);
  for (let index = 0; index < segCount; index++) subtable.u16(0);
  return new TableWriter().u16(0).u16(1).u16(3).u16(1).u32(12).raw(subtable.toBytes());
}

function nameTable(): TableWriter {
  const names: Array<[number, string]> = [
    [1, FAMILY_NAME],
    [2, 'Regular'],
    [3, `${FAMILY_NAME} Regular`],
    [4, `${FAMILY_NAME} Regular`],
    [5, 'Version 1.000'],
    [6, 'CORSLab-Regular'],
  ];
  const strings = new TableWriter();
  const records = new TableWriter();
  for (const [nameId, text] of names) {
    const offset = strings.length;
    for (const char of text) strings.u16(char.charCodeAt(0)); // UTF-16BE, ASCII only here
    records
      .u16(3)
      .u16(1)
      .u16(0x0409)
      .u16(nameId)
      .u16(strings.length - offset)
      .u16(offset);
  }
  return new TableWriter()
    .u16(0)
    .u16(names.length)
    .u16(6 + 12 * names.length)
    .raw(records.toBytes())
    .raw(strings.toBytes());
}

function postTable(): TableWriter {
  return new TableWriter().u32(0x00030000).u32(0).i16(-100).i16(50).u32(0).zeros(16);
}

function checksum(data: Uint8Array): number {
  let sum = 0;
  for (let index = 0; index < data.length; index += 4) {
    const word = ((data[index] ?? 0) << 24) | ((data[index + 1] ?? 0) << 16) | ((data[index + 2] ?? 0) << 8) | (data[index + 3] ?? 0);
    sum = (sum + (word >>> 0)) >>> 0;
  }
  return sum;
}

function buildFont(): Uint8Array {
  const glyphs = [boxGlyph(), boxGlyph()];
  const glyf = new TableWriter();
  const loca = new TableWriter();
  for (const glyph of glyphs) {
    loca.u32(glyf.length);
    glyf.raw(glyph);
  }
  loca.u32(glyf.length);
  const hmtx = new TableWriter();
  for (let index = 0; index < glyphs.length; index++) hmtx.u16(ADVANCE_WIDTH).i16(BOX.xMin);

  const tables: Array<[string, Uint8Array]> = (
    [
      ['OS/2', os2Table()],
      ['cmap', cmapTable()],
      ['glyf', glyf],
      ['head', headTable()],
      ['hhea', hheaTable(glyphs.length)],
      ['hmtx', hmtx],
      ['loca', loca],
      ['maxp', maxpTable(glyphs.length)],
      ['name', nameTable()],
      ['post', postTable()],
    ] as Array<[string, TableWriter]>
  )
    .map(([tag, table]): [string, Uint8Array] => [tag, table.toBytes()])
    // The table directory is binary-searched by tag, so it must be sorted by the tags' bytes.
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

  const entrySelector = Math.floor(Math.log2(tables.length));
  const searchRange = 16 * 2 ** entrySelector;
  const directorySize = 12 + 16 * tables.length;
  const directory = new TableWriter()
    .u32(0x00010000)
    .u16(tables.length)
    .u16(searchRange)
    .u16(entrySelector)
    .u16(tables.length * 16 - searchRange);
  const body = new TableWriter();
  let headOffset = 0;
  for (const [tag, data] of tables) {
    const offset = directorySize + body.length;
    if (tag === 'head') headOffset = offset;
    directory.tag(tag).u32(checksum(data)).u32(offset).u32(data.length);
    body.raw(data);
    while (body.length % 4 !== 0) body.u8(0);
  }
  const font = new Uint8Array(directorySize + body.length);
  font.set(directory.toBytes(), 0);
  font.set(body.toBytes(), directorySize);
  const adjustment = (0xb1b0afba - checksum(font)) >>> 0;
  new DataView(font.buffer).setUint32(headOffset + 8, adjustment);
  return font;
}

/** The font's family name, as its `name` table declares it. */
export const TINY_FONT_FAMILY = FAMILY_NAME;

/** A complete TrueType font (font/ttf), about 700 bytes. */
export const TINY_FONT: Uint8Array = buildFont();
