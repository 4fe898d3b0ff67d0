/**
 * Generates the Kafka protocol codec (src/protocol/generated/) from Kafka's JSON message schemas.
 *
 *   node dist/scripts/generate-protocol.js [--schemas ../shared/kafka-protocol] [--out src/protocol/generated]
 *
 * `--schemas` is the folder holding `messages/`, `internal/` and `errors.tsv`. One output file is
 * written per API (request and response together), per header, per data schema and per internal
 * record schema, plus an index with the API table, a schema table (used by the round-trip tests)
 * and the error codes. Every output file starts with a "generated" banner: never edit them by hand.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// ---------------------------------------------------------------------------------------------
// Schema model

/** Inclusive version range; `max` is the message's highest version for open ranges ("N+"). */
export interface VersionRange {
  min: number;
  max: number;
}

interface RawField {
  name: string;
  type: string;
  versions?: string;
  nullableVersions?: string;
  taggedVersions?: string;
  tag?: number;
  default?: unknown;
  ignorable?: boolean;
  flexibleVersions?: string;
  fields?: RawField[];
}

interface RawMessage {
  apiKey?: number;
  type: 'request' | 'response' | 'header' | 'data';
  name: string;
  validVersions: string;
  flexibleVersions: string;
  deprecatedVersions?: string;
  latestVersionUnstable?: boolean;
  listeners?: string[];
  fields: RawField[];
  commonStructs?: { name: string; versions: string; fields: RawField[] }[];
}

/** A field, resolved against its message's version range. Exported as data in the schema table. */
export interface FieldSchema {
  name: string;
  /** camelCase property name in TypeScript. */
  prop: string;
  /** Primitive type name, or a struct name; see `array`. */
  type: string;
  array: boolean;
  versions: VersionRange | null;
  nullableVersions: VersionRange | null;
  taggedVersions: VersionRange | null;
  tag: number;
  /** Field-level override of flexible versions (string/bytes only); undefined when none. */
  flexibleVersions?: VersionRange | null;
  ignorable: boolean;
  /** The default as a JSON-able value: number, string, boolean, null, or 'int64:<n>' for int64. */
  defaultValue: unknown;
}

export interface StructSchema {
  /** TypeScript type name (message name + struct name, or the message name itself). */
  tsName: string;
  versions: VersionRange | null;
  fields: FieldSchema[];
}

export interface MessageSchema {
  name: string;
  type: RawMessage['type'];
  apiKey: number;
  validVersions: VersionRange;
  flexibleVersions: VersionRange | null;
  /** Struct table keyed by TypeScript type name; the top-level struct's key is `name`. */
  structs: Record<string, StructSchema>;
}

const PRIMITIVES = new Set([
  'bool', 'int8', 'int16', 'int32', 'int64', 'uint16', 'uint32', 'float64', 'uuid', 'string', 'bytes', 'records',
]);

/** Removes `//` comments outside string literals (the schema files are JSON with line comments). */
export function stripJsonComments(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      out += c;
      if (c === '\\') {
        out += text[++i] ?? '';
      } else if (c === '"') {
        inString = false;
      }
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else {
      out += c;
    }
  }
  return out;
}

function parseVersions(spec: string | undefined, top: number): VersionRange | null {
  if (spec === undefined || spec === 'none') return null;
  let m = /^(\d+)\+$/.exec(spec);
  if (m) return { min: Number(m[1]), max: top };
  m = /^(\d+)-(\d+)$/.exec(spec);
  if (m) return { min: Number(m[1]), max: Number(m[2]) };
  m = /^(\d+)$/.exec(spec);
  if (m) return { min: Number(m[1]), max: Number(m[1]) };
  throw new Error(`bad version range ${JSON.stringify(spec)}`);
}

function camel(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

function parseIntDefault(v: unknown, field: string): number {
  const s = String(v);
  if (/^-?0x[0-9a-fA-F]+$/.test(s)) return s.startsWith('-') ? -parseInt(s.slice(3), 16) : parseInt(s.slice(2), 16);
  if (/^-?\d+$/.test(s)) return Number(s);
  throw new Error(`field ${field}: bad integer default ${JSON.stringify(v)}`);
}

function resolveDefault(f: RawField, baseType: string, array: boolean): unknown {
  const d = f.default;
  const given = d !== undefined && d !== null;
  if (array) {
    if (given && d !== 'null') throw new Error(`field ${f.name}: arrays only take "null" as default`);
    return given ? null : [];
  }
  switch (baseType) {
    case 'bool':
      return given ? d === true || d === 'true' : false;
    case 'int8': case 'int16': case 'int32': case 'uint16': case 'uint32':
      return given ? parseIntDefault(d, f.name) : 0;
    case 'int64':
      return `int64:${given ? String(BigInt(String(d).startsWith('0x') ? parseIntDefault(d, f.name) : String(d))) : '0'}`;
    case 'float64':
      return given ? Number(d) : 0;
    case 'uuid':
      return given ? String(d) : 'AAAAAAAAAAAAAAAAAAAAAA';
    case 'string':
      if (!given) return '';
      return d === 'null' ? null : String(d);
    case 'bytes':
      if (given && d !== 'null') throw new Error(`field ${f.name}: bytes only take "null" as default`);
      return given ? null : 'bytes:empty';
    case 'records':
      return null;
    default: // struct
      if (given && d !== 'null') throw new Error(`field ${f.name}: structs only take "null" as default`);
      return given ? null : 'struct:default';
  }
}

export function loadMessage(text: string): MessageSchema {
  const raw = JSON.parse(stripJsonComments(text)) as RawMessage;
  const valid = parseVersions(raw.validVersions, 0);
  if (valid === null) throw new Error(`${raw.name}: no valid versions`);
  const top = valid.max;
  const structs: Record<string, StructSchema> = {};
  const common = new Map<string, { versions: string; fields: RawField[] }>();
  for (const c of raw.commonStructs ?? []) common.set(c.name, c);

  const tsNameOf = (structName: string): string => `${raw.name}${structName}`;

  const addStruct = (tsName: string, versions: VersionRange | null, rawFields: RawField[]): void => {
    if (structs[tsName] !== undefined) return;
    const schema: StructSchema = { tsName, versions, fields: [] };
    structs[tsName] = schema;
    for (const f of rawFields) schema.fields.push(resolveField(f));
  };

  const resolveField = (f: RawField): FieldSchema => {
    const array = f.type.startsWith('[]');
    const base = array ? f.type.slice(2) : f.type;
    const tagged = parseVersions(f.taggedVersions, top);
    const versions = f.versions !== undefined ? parseVersions(f.versions, top) : tagged;
    let type = base;
    if (!PRIMITIVES.has(base)) {
      type = tsNameOf(base);
      if (f.fields !== undefined) {
        addStruct(type, versions, f.fields);
      } else {
        const c = common.get(base);
        if (c !== undefined) addStruct(type, parseVersions(c.versions, top), c.fields);
        // otherwise it refers to an inline struct defined elsewhere in this message
      }
    }
    const field: FieldSchema = {
      name: f.name,
      prop: camel(f.name),
      type,
      array,
      versions,
      nullableVersions: parseVersions(f.nullableVersions, top),
      taggedVersions: tagged,
      tag: f.tag === undefined ? -1 : Number(f.tag),
      ignorable: f.ignorable === true,
      defaultValue: resolveDefault(f, base, array),
    };
    if (f.flexibleVersions !== undefined) field.flexibleVersions = parseVersions(f.flexibleVersions, top);
    return field;
  };

  addStruct(raw.name, valid, raw.fields);
  for (const s of Object.values(structs)) {
    for (const f of s.fields) {
      if (!PRIMITIVES.has(f.type) && structs[f.type] === undefined) {
        throw new Error(`${raw.name}: field ${f.name} refers to unknown struct ${f.type}`);
      }
    }
  }
  return {
    name: raw.name,
    type: raw.type,
    apiKey: raw.apiKey ?? -1,
    validVersions: valid,
    flexibleVersions: parseVersions(raw.flexibleVersions, top),
    structs,
  };
}

// ---------------------------------------------------------------------------------------------
// Code generation

/** A TypeScript condition on the local `version` that holds exactly for versions in `r` within `within`. */
function cond(r: VersionRange | null | undefined, within: VersionRange | null): string {
  if (r === null || r === undefined || within === null) return 'false';
  const lo = Math.max(r.min, within.min);
  const hi = Math.min(r.max, within.max);
  if (lo > hi) return 'false';
  const parts: string[] = [];
  if (lo > within.min) parts.push(`version >= ${lo}`);
  if (hi < within.max) parts.push(`version <= ${hi}`);
  return parts.length === 0 ? 'true' : parts.join(' && ');
}

function and(a: string, b: string): string {
  if (a === 'false' || b === 'false') return 'false';
  if (a === 'true') return b;
  if (b === 'true') return a;
  return `(${a}) && (${b})`;
}

/** Versions of `f` within the struct's range: conditions inside a field's branch are relative to it. */
function fieldRange(f: FieldSchema, s: StructSchema): VersionRange | null {
  if (f.versions === null || s.versions === null) return null;
  const min = Math.max(f.versions.min, s.versions.min);
  const max = Math.min(f.versions.max, s.versions.max);
  return min > max ? null : { min, max };
}

function covers(r: VersionRange | null, within: VersionRange | null): boolean {
  if (within === null) return true;
  return r !== null && r.min <= within.min && r.max >= within.max;
}

function tsBaseType(f: FieldSchema): string {
  switch (f.type) {
    case 'bool': return 'boolean';
    case 'int8': case 'int16': case 'int32': case 'uint16': case 'uint32': case 'float64': return 'number';
    case 'int64': return 'bigint';
    case 'uuid': case 'string': return 'string';
    case 'bytes': case 'records': return 'Uint8Array';
    default: return f.type;
  }
}

function isNullableType(f: FieldSchema): boolean {
  return f.nullableVersions !== null || f.defaultValue === null;
}

function tsType(f: FieldSchema): string {
  const base = f.array ? `${tsBaseType(f)}[]` : tsBaseType(f);
  return isNullableType(f) ? `${base} | null` : base;
}

function defaultExpr(f: FieldSchema): string {
  const d = f.defaultValue;
  if (d === null) return 'null';
  if (f.array) return '[]';
  if (typeof d === 'string') {
    if (d.startsWith('int64:')) return `${d.slice(6)}n`;
    if (d === 'bytes:empty') return 'EMPTY_BYTES';
    if (d === 'struct:default') return `default${f.type}()`;
  }
  return JSON.stringify(d);
}

/** Expression true when `x` equals the field's default (decides tagged writes and ignorable checks). */
function isDefaultExpr(f: FieldSchema, x: string): string {
  const d = f.defaultValue;
  if (d === null) return `${x} === null`;
  if (f.array || d === 'bytes:empty') return `(${x} !== null && ${x}.length === 0)`;
  if (d === 'struct:default') return `(${x} !== null && isDefault${f.type}(${x}))`;
  return `${x} === ${defaultExpr(f)}`;
}

const FIXED_WIDTH: Record<string, string> = {
  bool: 'bool', int8: 'int8', int16: 'int16', int32: 'int32', int64: 'int64',
  uint16: 'uint16', uint32: 'uint32', float64: 'float64', uuid: 'uuid',
};

class StructEmitter {
  private readonly lines: string[] = [];
  constructor(private readonly msg: MessageSchema) {}

  private emit(line: string): void {
    this.lines.push(line);
  }

  output(): string {
    return this.lines.join('\n');
  }

  private flexCond(s: StructSchema): string {
    return cond(this.msg.flexibleVersions, s.versions);
  }

  /** Condition under which string/bytes lengths of this field are compact (positional use). */
  private compactCond(f: FieldSchema, s: StructSchema): string {
    const range = fieldRange(f, s);
    const flex = cond(this.msg.flexibleVersions, range);
    if (f.flexibleVersions !== undefined) return and(flex, cond(f.flexibleVersions, range));
    return flex;
  }

  private path(s: StructSchema, f: FieldSchema): string {
    return s.tsName === this.msg.name ? f.name : `${s.tsName.slice(this.msg.name.length)}.${f.name}`;
  }

  emitStruct(s: StructSchema): void {
    const top = s.tsName === this.msg.name;
    // Type
    this.emit(`export interface ${s.tsName} {`);
    for (const f of s.fields) {
      const optional = !covers(f.versions, s.versions) || f.taggedVersions !== null;
      this.emit(`  ${f.prop}${optional ? '?' : ''}: ${tsType(f)};`);
    }
    if (this.msg.flexibleVersions !== null) this.emit('  unknownTaggedFields?: RawTaggedField[];');
    this.emit('}');
    this.emit('');

    // Defaults
    this.emit(`${top ? 'export ' : ''}function default${s.tsName}(): ${s.tsName} {`);
    this.emit(`  return { ${s.fields.map((f) => `${f.prop}: ${defaultExpr(f)}`).join(', ')} };`);
    this.emit('}');
    this.emit('');
    this.emit(`function isDefault${s.tsName}(v: ${s.tsName}): boolean {`);
    const checks = s.fields.map((f) => `(v.${f.prop} === undefined || ${isDefaultExpr(f, `v.${f.prop}`)})`);
    this.emit(`  return ${checks.length === 0 ? 'true' : checks.join('\n    && ')};`);
    this.emit('}');
    this.emit('');

    this.emitWrite(s);
    this.emitRead(s);
  }

  // ----- writing

  private writeValue(f: FieldSchema, s: StructSchema, x: string, indent: string, tagged: boolean): void {
    const p = JSON.stringify(this.path(s, f));
    const compact = tagged ? 'true' : this.compactCond(f, s);
    const nullable = tagged ? (isNullableType(f) ? 'true' : 'false') : cond(f.nullableVersions, fieldRange(f, s));
    const w = (line: string): void => this.emit(indent + line);
    if (f.array) {
      w(`if (${x} === null) {`);
      w(`  if (!(${nullable})) throw nullError(__MESSAGE__, version, ${p});`);
      w(`  w.arrayLength(null, ${compact});`);
      w('} else {');
      w(`  w.arrayLength(${x}.length, ${compact});`);
      w(`  for (const e of ${x}) {`);
      this.writeScalar(f, 'e', `${indent}    `, compact, 'false', p, false);
      w('  }');
      w('}');
      return;
    }
    this.writeScalar(f, x, indent, compact, nullable, p, tagged);
  }

  private writeScalar(f: FieldSchema, x: string, indent: string, compact: string, nullable: string, p: string, tagged: boolean): void {
    const w = (line: string): void => this.emit(indent + line);
    const fixed = FIXED_WIDTH[f.type];
    if (fixed !== undefined) {
      w(`w.${fixed}(${x});`);
    } else if (f.type === 'string') {
      if (nullable === 'true') w(`w.nullableString(${x}, ${compact});`);
      else if (nullable === 'false' && !isNullableType(f)) w(`w.nullableString(${x}, ${compact});`);
      else w(`if (${x} === null && !(${nullable})) throw nullError(__MESSAGE__, version, ${p});\n${indent}w.nullableString(${x}, ${compact});`);
    } else if (f.type === 'bytes' || f.type === 'records') {
      if (nullable === 'true' || !isNullableType(f)) w(`w.nullableBytes(${x}, ${compact});`);
      else w(`if (${x} === null && !(${nullable})) throw nullError(__MESSAGE__, version, ${p});\n${indent}w.nullableBytes(${x}, ${compact});`);
    } else {
      // struct
      if (nullable === 'false') {
        if (isNullableType(f)) w(`if (${x} === null) throw nullError(__MESSAGE__, version, ${p});`);
        w(`write${f.type}(w, ${x}, version);`);
      } else if (tagged) {
        // tagged nullable struct payload: varint 1 + struct, or 0 for null
        w(`if (${x} === null) { w.unsignedVarint(0); } else { w.unsignedVarint(1); write${f.type}(w, ${x}, version); }`);
      } else {
        w(`if (${x} === null) {`);
        w(`  if (!(${nullable})) throw nullError(__MESSAGE__, version, ${p});`);
        w('  w.int8(-1);');
        w('} else {');
        w(`  if (${nullable}) w.int8(1);`);
        w(`  write${f.type}(w, ${x}, version);`);
        w('}');
      }
    }
  }

  private emitWrite(s: StructSchema): void {
    const top = s.tsName === this.msg.name;
    const flex = this.flexCond(s);
    this.emit(`function write${s.tsName}(w: ProtocolWriter, v: ${s.tsName}, version: number): void {`);
    if (!top && s.versions !== null && !covers(s.versions, this.msg.validVersions)) {
      this.emit(`  if (!(${cond(s.versions, this.msg.validVersions)})) throw new ProtocolEncodeError(__MESSAGE__, version, ${JSON.stringify(s.tsName.slice(this.msg.name.length))}, 'struct not present in this version');`);
    }
    s.fields.forEach((f, i) => {
      const x = `f${i}`;
      this.emit(`  const ${x} = v.${f.prop} === undefined ? ${defaultExpr(f)} : v.${f.prop};`);
      const present = cond(f.versions, s.versions);
      const taggedAt = cond(f.taggedVersions, s.versions);
      const positional = taggedAt === 'false' ? present : and(present, `!(${taggedAt})`);
      if (positional === 'true') {
        this.writeValue(f, s, x, '  ', false);
      } else if (positional !== 'false') {
        this.emit(`  if (${positional}) {`);
        this.writeValue(f, s, x, '    ', false);
        if (!f.ignorable && present !== 'true') {
          this.emit(`  } else if (!(${present}) && !(${isDefaultExpr(f, x)})) {`);
          this.emit(`    throw new ProtocolEncodeError(__MESSAGE__, version, ${JSON.stringify(this.path(s, f))}, 'field not supported in this version');`);
        }
        this.emit('  }');
      } else if (!f.ignorable && present !== 'true') {
        this.emit(`  if (!(${present}) && !(${isDefaultExpr(f, x)})) {`);
        this.emit(`    throw new ProtocolEncodeError(__MESSAGE__, version, ${JSON.stringify(this.path(s, f))}, 'field not supported in this version');`);
        this.emit('  }');
      }
    });
    if (flex !== 'false') {
      const tagged = s.fields.map((f, i) => ({ f, i })).filter(({ f }) => f.taggedVersions !== null).sort((a, b) => a.f.tag - b.f.tag);
      this.emit(`  if (${flex}) {`);
      if (tagged.length === 0) {
        this.emit('    w.taggedFields(null, v.unknownTaggedFields);');
      } else {
        this.emit('    let tagged: RawTaggedField[] | null = null;');
        for (const { f, i } of tagged) {
          const x = `f${i}`;
          this.emit(`    if ((${cond(f.taggedVersions, s.versions)}) && !(${isDefaultExpr(f, x)})) {`);
          this.emit('      const w = new ProtocolWriter(64);');
          this.writeValue(f, s, x, '      ', true);
          this.emit(`      (tagged ??= []).push({ tag: ${f.tag}, data: w.toBytes() });`);
          this.emit('    }');
        }
        this.emit('    w.taggedFields(tagged, v.unknownTaggedFields);');
      }
      this.emit('  }');
    }
    this.emit('}');
    this.emit('');
  }

  // ----- reading

  private readScalarExpr(f: FieldSchema, s: StructSchema, compact: string, nullable: string, p: string, tagged: boolean): string {
    const fixed = FIXED_WIDTH[f.type];
    if (fixed !== undefined) return `r.${fixed}(${p})`;
    if (f.type === 'string') {
      if (nullable === 'true') return `r.nullableString(${p}, ${compact})`;
      if (nullable === 'false') return `r.string(${p}, ${compact})`;
      return `(${nullable} ? r.nullableString(${p}, ${compact}) : r.string(${p}, ${compact}))`;
    }
    if (f.type === 'bytes' || f.type === 'records') {
      if (nullable === 'true') return `r.nullableBytes(${p}, ${compact})`;
      if (nullable === 'false') return `r.bytes(${p}, ${compact})`;
      return `(${nullable} ? r.nullableBytes(${p}, ${compact}) : r.bytes(${p}, ${compact}))`;
    }
    if (nullable === 'false') return `read${f.type}(r, version)`;
    if (tagged) return `(r.unsignedVarint(${p}) === 0 ? null : read${f.type}(r, version))`;
    return `((${nullable}) && r.int8(${p}) < 0 ? null : read${f.type}(r, version))`;
  }

  private readValue(f: FieldSchema, s: StructSchema, x: string, indent: string, tagged: boolean): void {
    const p = JSON.stringify(this.path(s, f));
    const compact = tagged ? 'true' : this.compactCond(f, s);
    const nullable = tagged ? (isNullableType(f) ? 'true' : 'false') : cond(f.nullableVersions, fieldRange(f, s));
    const w = (line: string): void => this.emit(indent + line);
    if (f.array) {
      const elem = this.readScalarExpr(f, s, compact, 'false', p, false);
      w('{');
      w(`  const n = r.arrayLength(${p}, ${compact}, ${nullable});`);
      if (nullable === 'false') {
        // Allocated at its final length when small (an array grown by push starts at 17 slots);
        // a large count is not trusted with an allocation before its elements are read.
        w(`  const a: ${tsBaseType(f)}[] = n <= 64 ? new Array(n) : [];`);
        w(`  for (let i = 0; i < n; i++) a[i] = ${elem};`);
        w(`  ${x} = a;`);
      } else {
        w('  if (n < 0) {');
        w(`    ${x} = null;`);
        w('  } else {');
        w(`    const a: ${tsBaseType(f)}[] = n <= 64 ? new Array(n) : [];`);
        w(`    for (let i = 0; i < n; i++) a[i] = ${elem};`);
        w(`    ${x} = a;`);
        w('  }');
      }
      w('}');
      return;
    }
    w(`${x} = ${this.readScalarExpr(f, s, compact, nullable, p, tagged)};`);
  }

  private emitRead(s: StructSchema): void {
    const top = s.tsName === this.msg.name;
    const flex = this.flexCond(s);
    this.emit(`function read${s.tsName}(r: ProtocolReader, version: number): ${s.tsName} {`);
    if (!top && s.versions !== null && !covers(s.versions, this.msg.validVersions)) {
      this.emit(`  if (!(${cond(s.versions, this.msg.validVersions)})) throw new ProtocolDecodeError('UNSUPPORTED_VERSION', ${JSON.stringify(s.tsName.slice(this.msg.name.length))}, 'struct not present in this version');`);
    }
    s.fields.forEach((f, i) => {
      const x = `f${i}`;
      const present = cond(f.versions, s.versions);
      const taggedAt = cond(f.taggedVersions, s.versions);
      const positional = taggedAt === 'false' ? present : and(present, `!(${taggedAt})`);
      if (positional === 'true' && !f.array) {
        const p = JSON.stringify(this.path(s, f));
        const nullable = cond(f.nullableVersions, fieldRange(f, s));
        this.emit(`  const ${x}: ${tsType(f)} = ${this.readScalarExpr(f, s, this.compactCond(f, s), nullable, p, false)};`);
        return;
      }
      this.emit(`  let ${x}: ${tsType(f)} = ${defaultExpr(f)};`);
      if (positional === 'true') {
        this.readValue(f, s, x, '  ', false);
      } else if (positional !== 'false') {
        this.emit(`  if (${positional}) {`);
        this.readValue(f, s, x, '    ', false);
        this.emit('  }');
      }
    });
    const hasUnknown = flex !== 'false';
    if (hasUnknown) {
      const p = JSON.stringify(top ? '_tagged' : `${s.tsName.slice(this.msg.name.length)}._tagged`);
      this.emit('  let unknown: RawTaggedField[] | undefined;');
      this.emit(`  if (${flex}) {`);
      this.emit(`    const count = r.unsignedVarint(${p});`);
      this.emit('    for (let t = 0; t < count; t++) {');
      this.emit(`      const tag = r.unsignedVarint(${p});`);
      const tagged = s.fields.map((f, i) => ({ f, i })).filter(({ f }) => f.taggedVersions !== null);
      if (tagged.length === 0) {
        this.emit(`      (unknown ??= []).push(r.rawTaggedField(tag, ${p}));`);
      } else {
        this.emit('      switch (tag) {');
        for (const { f, i } of tagged) {
          const fp = JSON.stringify(this.path(s, f));
          this.emit(`        case ${f.tag}: {`);
          const tc = cond(f.taggedVersions, s.versions);
          if (tc !== 'true') {
            this.emit(`          if (!(${tc})) throw new ProtocolDecodeError('INVALID_TAGGED_FIELD', ${fp}, 'tag not valid in this version');`);
          }
          this.emit(`          const t = r.beginTaggedField(${fp});`);
          this.readValue(f, s, `f${i}`, '          ', true);
          this.emit(`          r.endTaggedField(${fp}, t.savedEnd, t.payloadEnd);`);
          this.emit('          break;');
          this.emit('        }');
        }
        this.emit('        default:');
        this.emit(`          (unknown ??= []).push(r.rawTaggedField(tag, ${p}));`);
        this.emit('      }');
      }
      this.emit('    }');
      this.emit('  }');
    }
    this.emit(`  const v: ${s.tsName} = { ${s.fields.map((f, i) => `${f.prop}: f${i}`).join(', ')} };`);
    if (hasUnknown) this.emit('  if (unknown !== undefined) v.unknownTaggedFields = unknown;');
    this.emit('  return v;');
    this.emit('}');
    this.emit('');
  }
}

const BANNER = '// GENERATED by scripts/generate-protocol.ts from Kafka\'s message schemas. DO NOT EDIT.\n// Regenerate with `npm run generate:protocol`; a test fails when this file drifts from the generator.\n';

function usesIdent(body: string, ident: string): boolean {
  return new RegExp(`\\b${ident}\\b`).test(body);
}

/** Generates the module text for a set of messages (one API's request and response, or one schema). */
export function emitModule(messages: MessageSchema[], primitivesPath: string): string {
  const parts: string[] = [];
  for (const msg of messages) {
    const e = new StructEmitter(msg);
    // Emit nested structs first is not required (functions are hoisted), keep schema order.
    for (const s of Object.values(msg.structs)) e.emitStruct(s);
    const v = msg.validVersions;
    parts.push(`// ---- ${msg.name}: versions ${v.min}-${v.max}, flexible ${msg.flexibleVersions === null ? 'none' : `${msg.flexibleVersions.min}+`}`);
    parts.push(e.output().replaceAll('__MESSAGE__', JSON.stringify(msg.name)));
    parts.push(`/** Encodes ${msg.name} at \`version\` (${v.min}-${v.max}). */`);
    parts.push(`export function encode${msg.name}(w: ProtocolWriter, value: ${msg.name}, version: number): void {`);
    parts.push(`  if (!(version >= ${v.min} && version <= ${v.max})) throw new ProtocolEncodeError(${JSON.stringify(msg.name)}, version, '', 'unsupported version');`);
    parts.push(`  write${msg.name}(w, value, version);`);
    parts.push('}');
    parts.push('');
    parts.push(`/** Decodes ${msg.name} at \`version\`; throws ProtocolDecodeError naming the field on bad input. */`);
    parts.push(`export function decode${msg.name}(r: ProtocolReader, version: number): ${msg.name} {`);
    parts.push('  try {');
    parts.push(`    if (!(version >= ${v.min} && version <= ${v.max})) throw new ProtocolDecodeError('UNSUPPORTED_VERSION', '', \`version \${version} is outside ${v.min}-${v.max}\`);`);
    parts.push(`    return read${msg.name}(r, version);`);
    parts.push('  } catch (err) {');
    parts.push(`    if (err instanceof ProtocolDecodeError) throw err.withContext(${JSON.stringify(msg.name)}, version);`);
    parts.push('    throw err;');
    parts.push('  }');
    parts.push('}');
    parts.push('');
  }
  const body = parts.join('\n');
  const imports: string[] = [];
  const fromReader = ['ProtocolReader', 'RawTaggedField'].filter((i) => usesIdent(body, i));
  const fromWriter = ['ProtocolWriter'].filter((i) => usesIdent(body, i));
  const fromError = ['ProtocolDecodeError', 'ProtocolEncodeError'].filter((i) => usesIdent(body, i));
  const fromHelpers = ['EMPTY_BYTES', 'nullError'].filter((i) => usesIdent(body, i));
  if (fromReader.length > 0) {
    const typeOnly = fromReader.filter((i) => i === 'RawTaggedField');
    const values = fromReader.filter((i) => i !== 'RawTaggedField');
    if (values.length > 0) imports.push(`import { ${values.join(', ')} } from '${primitivesPath}/protocol-reader.js';`);
    if (typeOnly.length > 0) imports.push(`import type { ${typeOnly.join(', ')} } from '${primitivesPath}/protocol-reader.js';`);
  }
  if (fromWriter.length > 0) imports.push(`import { ProtocolWriter } from '${primitivesPath}/protocol-writer.js';`);
  if (fromError.length > 0) imports.push(`import { ${fromError.join(', ')} } from '${primitivesPath}/protocol-error.js';`);
  if (fromHelpers.length > 0) imports.push(`import { ${fromHelpers.join(', ')} } from '${primitivesPath}/codec-helpers.js';`);
  return `${BANNER}/* eslint-disable */\n${imports.join('\n')}\n\n${body}`;
}

function kebab(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').replace(/([A-Z])([A-Z][a-z])/g, '$1-$2').toLowerCase();
}

export interface GenerateOptions {
  /** Folder holding messages/, internal/ and errors.tsv. */
  schemasDir: string;
  outDir: string;
}

/** Writes the whole generated tree into `outDir` (replacing it). Returns the list of files written. */
export function generateProtocol(opts: GenerateOptions): string[] {
  const messagesDir = join(opts.schemasDir, 'messages');
  const internalDir = join(opts.schemasDir, 'internal');
  const written: string[] = [];
  rmSync(opts.outDir, { recursive: true, force: true });
  mkdirSync(join(opts.outDir, 'internal'), { recursive: true });
  const write = (rel: string, text: string): void => {
    writeFileSync(join(opts.outDir, rel), text);
    written.push(rel);
  };

  const load = (dir: string): MessageSchema[] =>
    readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => loadMessage(readFileSync(join(dir, f), 'utf8')));

  const messages = load(messagesDir);
  const internal = load(internalDir);

  const apis = new Map<number, { request?: MessageSchema; response?: MessageSchema; raw?: RawMessage }>();
  const others: MessageSchema[] = [];
  const rawByName = new Map<string, RawMessage>();
  for (const f of readdirSync(messagesDir).filter((x) => x.endsWith('.json'))) {
    const raw = JSON.parse(stripJsonComments(readFileSync(join(messagesDir, f), 'utf8'))) as RawMessage;
    rawByName.set(raw.name, raw);
  }
  for (const m of messages) {
    if (m.type === 'request' || m.type === 'response') {
      const entry = apis.get(m.apiKey) ?? {};
      if (m.type === 'request') {
        entry.request = m;
        entry.raw = rawByName.get(m.name);
      } else {
        entry.response = m;
      }
      apis.set(m.apiKey, entry);
    } else {
      others.push(m);
    }
  }

  const index: string[] = [];
  const codecImports: string[] = [];
  const codecProvides: string[] = [];
  const typeImports: string[] = [];
  const schemaTable: MessageSchema[] = [];
  const apiRows: string[] = [];
  const reqMap: string[] = [];
  const respMap: string[] = [];
  const apiKeyRows: string[] = [];
  for (const key of [...apis.keys()].sort((a, b) => a - b)) {
    const { request, response, raw } = apis.get(key)!;
    if (request === undefined || response === undefined || raw === undefined) throw new Error(`API key ${key} lacks a request or response`);
    const api = request.name.replace(/Request$/, '');
    const file = kebab(api);
    write(`${file}.ts`, emitModule([request, response], '../primitives'));
    const ns = `${api[0]!.toLowerCase()}${api.slice(1)}Codecs`;
    codecImports.push(`import * as ${ns} from './${file}.js';`);
    codecProvides.push(`  provideCodecModule(${key}, () => ${ns});`);
    typeImports.push(`import type { ${request.name}, ${response.name} } from './${file}.js';`);
    index.push(`export * from './${file}.js';`);
    schemaTable.push(request, response);
    const dep = parseVersions(raw.deprecatedVersions, request.validVersions.max);
    apiRows.push(
      `  { apiKey: ${key}, name: ${JSON.stringify(api)}, minVersion: ${request.validVersions.min}, maxVersion: ${request.validVersions.max}, ` +
        `firstFlexibleVersion: ${request.flexibleVersions === null ? -1 : request.flexibleVersions.min}, ` +
        `deprecatedVersions: ${dep === null ? 'null' : JSON.stringify(dep)}, latestVersionUnstable: ${raw.latestVersionUnstable === true}, ` +
        `listeners: ${JSON.stringify(raw.listeners ?? [])}, ` +
        `request: lazyCodec(${key}, ${JSON.stringify(request.name)}), response: lazyCodec(${key}, ${JSON.stringify(response.name)}) },`,
    );
    reqMap.push(`  ${key}: ${request.name};`);
    respMap.push(`  ${key}: ${response.name};`);
    apiKeyRows.push(`  ${api}: ${key},`);
  }
  for (const m of others) {
    const file = kebab(m.name);
    write(`${file}.ts`, emitModule([m], '../primitives'));
    index.push(`export * from './${file}.js';`);
    schemaTable.push(m);
  }
  for (const m of internal) {
    const file = kebab(m.name);
    write(`internal/${file}.ts`, emitModule([m], '../../primitives'));
    index.push(`export * from './internal/${file}.js';`);
    schemaTable.push(m);
  }

  write('api-table.ts', `${BANNER}
/**
 * Every API's codecs: importing this module loads all the per-API modules and provides them to
 * API_DEFINITIONS (see api-definitions.ts). The broker, the test kit and the tools use it; the
 * client provides only the APIs it sends (src/client/connection/client-codecs.ts), so that a
 * client process does not load the codecs of ~60 broker-to-broker and newer APIs.
 */
${codecImports.join('\n')}
import { provideCodecModule } from './api-definitions.js';

let provided = false;
/** Provides every API's module (each is read on first use in the server bundle). Idempotent. */
export function provideAllCodecs(): void {
  if (provided) return;
  provided = true;
${codecProvides.join('\n')}
}
provideAllCodecs();

export * from './api-definitions.js';
`);

  write('api-definitions.ts', `${BANNER}
${typeImports.join('\n')}
import { lazyCodec } from '../codec-registry.js';
import type { ApiDefinition } from '../codec-registry.js';

// The rows' types and the codec registry are hand-written (protocol/codec-registry.ts).
export { isCodecModuleProvided, provideCodecModule } from '../codec-registry.js';
export type { ApiDefinition, MessageCodec, MessageDecoder, MessageEncoder } from '../codec-registry.js';

/** Indexed by API key (keys are dense from 0). */
export const API_DEFINITIONS: readonly ApiDefinition[] = [
${apiRows.join('\n')}
];

/** API keys by name. */
export const ApiKey = {
${apiKeyRows.join('\n')}
} as const;
export type ApiKey = (typeof ApiKey)[keyof typeof ApiKey];

/** Request body type for each API key. */
export interface ApiRequestTypes {
${reqMap.join('\n')}
}

/** Response body type for each API key. */
export interface ApiResponseTypes {
${respMap.join('\n')}
}
`);

  write('schema-table.ts', `${BANNER}
/** Resolved schemas of every generated message, as data (used by tests and tooling). */
export interface VersionRange { min: number; max: number }
export interface FieldSchema {
  name: string; prop: string; type: string; array: boolean;
  versions: VersionRange | null; nullableVersions: VersionRange | null; taggedVersions: VersionRange | null;
  tag: number; flexibleVersions?: VersionRange | null; ignorable: boolean; defaultValue: unknown;
}
export interface StructSchema { tsName: string; versions: VersionRange | null; fields: FieldSchema[] }
export interface MessageSchema {
  name: string; type: 'request' | 'response' | 'header' | 'data'; apiKey: number;
  validVersions: VersionRange; flexibleVersions: VersionRange | null; structs: Record<string, StructSchema>;
}

export const MESSAGE_SCHEMAS: readonly MessageSchema[] = ${JSON.stringify(schemaTable)};
`);

  // Error codes
  const errRows = readFileSync(join(opts.schemasDir, 'errors.tsv'), 'utf8').trim().split('\n').slice(1)
    .map((l) => l.split('\t'))
    .map(([code, name, retriable]) => ({ code: Number(code), name: name!, retriable: retriable === 'true' }));
  write('error-codes.ts', `${BANNER}
/** Kafka error codes by name. */
export const ErrorCode = {
${errRows.map((e) => `  ${e.name}: ${e.code},`).join('\n')}
} as const;
export type ErrorCodeName = keyof typeof ErrorCode;

/** Name and retriability of every known error code, keyed by code. */
export const ERROR_TABLE: ReadonlyMap<number, { name: ErrorCodeName; retriable: boolean }> = new Map([
${errRows.map((e) => `  [${e.code}, { name: '${e.name}', retriable: ${e.retriable} }],`).join('\n')}
]);
`);

  index.unshift(BANNER);
  write('index.ts', `${index.filter((l) => !l.startsWith('import')).join('\n')}
export * from './api-table.js';
export * from './schema-table.js';
export * from './error-codes.js';
`);
  return written;
}

function main(argv: string[]): void {
  const here = dirname(fileURLToPath(import.meta.url));
  const root = resolve(here, '..', '..');
  let schemasDir = resolve(root, '..', 'shared', 'kafka-protocol');
  let outDir = resolve(root, 'src', 'protocol', 'generated');
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--schemas') schemasDir = resolve(argv[++i]!);
    else if (argv[i] === '--out') outDir = resolve(argv[++i]!);
    else throw new Error(`unknown argument ${argv[i]}; usage: generate-protocol [--schemas DIR] [--out DIR]`);
  }
  const files = generateProtocol({ schemasDir, outDir });
  console.log(`generated ${files.length} files into ${outDir}`);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2));
}
