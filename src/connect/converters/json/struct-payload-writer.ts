/**
 * Writes a value's JSON payload straight into a JsonByteWriter, driven by its schema: struct
 * fields' keys are written from bytes prepared once per schema, and the usual values (integers,
 * strings, booleans, floating point numbers, base64 Decimals of up to 6 bytes, Timestamps, nested
 * structs) without the JsonNode tree or the intermediate strings of the general path.
 *
 * Anything else (a null, which may take the schema's default; an array, a map, plain bytes, the
 * Date and Time logical types, a NUMERIC Decimal, a big Decimal, a value of the wrong JavaScript
 * type) is written from the general path's text for that value, so the bytes are the same and a
 * bad value fails with the general path's error, at the same field.
 */
import { Buffer } from 'node:buffer';
import { BigDecimal } from '../../api/data/big-decimal.js';
import { ConnectDate, Decimal, Time, Timestamp } from '../../api/data/logical.js';
import type { Field, Schema } from '../../api/data/schema.js';
import { Struct } from '../../api/data/struct.js';
import { DataException } from '../../api/errors.js';
import { javaDoubleToString, javaFloatToString } from '../../api/data/java-number-format.js';
import type { JsonByteWriter } from './json-byte-writer.js';
import { numberText, quote } from './json-node.js';

/** The general path's JSON text of a value (throws its errors). */
export type GeneralText = (schema: Schema, value: unknown) => string;

/** How a value is written. */
const enum Write {
  /** From the general path's text. */
  General,
  Int8,
  Int16,
  Int32,
  Int64,
  Float32,
  Float64,
  Boolean,
  String,
  /** A Decimal as base64 bytes (decimal.format=BASE64). */
  DecimalBase64,
  Timestamp,
  Struct,
}

interface ValuePlan {
  readonly write: Write;
  /** A Decimal's scale. */
  readonly scale: number;
  /** A struct's fields, each with its key as written (`"name":`, after a comma but for the first). */
  readonly fields: readonly FieldPlan[] | null;
}

interface FieldPlan {
  readonly field: Field;
  readonly key: Uint8Array;
  readonly plan: ValuePlan;
}

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
/** Integers of magnitude below 2^53 are written from a number. */
const SAFE = 1n << 53n;
/** Decimals whose unscaled magnitude is below 2^48 (6 bytes) are written from a number. */
const SMALL_UNSCALED = 1n << 47n;

export interface PayloadWriterOptions {
  readonly replaceNullWithDefault: boolean;
  readonly decimalBase64: boolean;
}

export class StructPayloadWriter {
  private readonly plans = new WeakMap<Schema, ValuePlan>();

  constructor(private readonly out: JsonByteWriter, private readonly general: GeneralText, private readonly options: PayloadWriterOptions) {}

  /** Writes the payload of `value` (of `schema`). */
  write(schema: Schema, value: unknown): void {
    this.writeValue(schema, this.planFor(schema), value);
  }

  private planFor(schema: Schema): ValuePlan {
    let plan = this.plans.get(schema);
    if (plan === undefined) {
      plan = this.makePlan(schema);
      this.plans.set(schema, plan);
    }
    return plan;
  }

  private makePlan(schema: Schema): ValuePlan {
    const general: ValuePlan = { write: Write.General, scale: 0, fields: null };
    if (schema.name !== null) {
      switch (schema.name) {
        case Decimal.LOGICAL_NAME: {
          if (!this.options.decimalBase64) return general;
          try {
            return { write: Write.DecimalBase64, scale: Decimal.scale(schema), fields: null };
          } catch {
            return general; // a bad scale parameter: the general path reports it
          }
        }
        case Timestamp.LOGICAL_NAME: return { write: Write.Timestamp, scale: 0, fields: null };
        case ConnectDate.LOGICAL_NAME: case Time.LOGICAL_NAME: return general;
        default: break;
      }
    }
    const simple = (write: Write): ValuePlan => ({ write, scale: 0, fields: null });
    switch (schema.type) {
      case 'INT8': return simple(Write.Int8);
      case 'INT16': return simple(Write.Int16);
      case 'INT32': return simple(Write.Int32);
      case 'INT64': return simple(Write.Int64);
      case 'FLOAT32': return simple(Write.Float32);
      case 'FLOAT64': return simple(Write.Float64);
      case 'BOOLEAN': return simple(Write.Boolean);
      case 'STRING': return simple(Write.String);
      case 'STRUCT': {
        const fields = schema.fields().map((field, i): FieldPlan => ({
          field,
          key: new Uint8Array(Buffer.from(`${i === 0 ? '' : ','}${quote(field.name)}:`, 'utf8')),
          plan: this.planFor(field.schema),
        }));
        return { write: Write.Struct, scale: 0, fields };
      }
      default: return general;
    }
  }

  private writeValue(schema: Schema, plan: ValuePlan, value: unknown): void {
    const out = this.out;
    if (value !== null && value !== undefined) {
      switch (plan.write) {
        case Write.Int8:
          if (typeof value === 'number' && Number.isInteger(value) && value >= -128 && value <= 127) return out.integer(value);
          break;
        case Write.Int16:
          if (typeof value === 'number' && Number.isInteger(value) && value >= -32768 && value <= 32767) return out.integer(value);
          break;
        case Write.Int32:
          if (typeof value === 'number' && Number.isInteger(value) && value >= -2147483648 && value <= 2147483647) return out.integer(value);
          break;
        case Write.Int64:
          if (typeof value === 'bigint' && value >= INT64_MIN && value <= INT64_MAX) {
            if (value > -SAFE && value < SAFE) return out.integer(Number(value));
            return out.ascii(value.toString());
          }
          break;
        case Write.Float32:
          if (typeof value === 'number') return out.ascii(numberText(javaFloatToString(value)));
          break;
        case Write.Float64:
          if (typeof value === 'number') return out.ascii(numberText(javaDoubleToString(value)));
          break;
        case Write.Boolean:
          if (typeof value === 'boolean') return out.boolean(value);
          break;
        case Write.String:
          if (typeof value === 'string') return out.string(value);
          break;
        case Write.DecimalBase64:
          if (value instanceof BigDecimal && value.scale === plan.scale && value.unscaled >= -SMALL_UNSCALED && value.unscaled < SMALL_UNSCALED) {
            return out.twosComplementBase64(Number(value.unscaled));
          }
          break;
        case Write.Timestamp:
          if (value instanceof Date) {
            const ms = value.getTime();
            if (Number.isFinite(ms)) return out.integer(ms);
          }
          break;
        case Write.Struct:
          if (value instanceof Struct) return this.writeStruct(schema, plan.fields!, value);
          break;
        default:
          break;
      }
    }
    out.utf8(this.general(schema, value));
  }

  private writeStruct(schema: Schema, fields: readonly FieldPlan[], struct: Struct): void {
    if (struct.schema !== schema && !struct.schema.equals(schema)) throw new DataException('Mismatching schema.');
    const out = this.out;
    const replaceNullWithDefault = this.options.replaceNullWithDefault;
    out.byte(0x7b);
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i]!;
      out.bytes(f.key);
      this.writeValue(f.field.schema, f.plan, replaceNullWithDefault ? struct.get(f.field) : struct.getWithoutDefault(f.field));
    }
    out.byte(0x7d);
  }
}
