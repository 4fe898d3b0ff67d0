/**
 * Kafka's class names for the built-in transforms and predicates, mapped to their Samsa
 * implementations. A `transforms.<alias>.type` may name the full Java class
 * (`org.apache.kafka.connect.transforms.InsertField$Value`) or, as a Samsa convenience, the part
 * after the package (`InsertField$Value`, `ValueToKey`, `TopicNameMatches`).
 */
import type { AnyConnectRecord, Predicate, Transformation } from '../api/transformation.js';
import { CastKey, CastValue } from './cast.js';
import { DropHeaders } from './drop-headers.js';
import { ExtractFieldKey, ExtractFieldValue } from './extract-field.js';
import { Filter } from './filter.js';
import { FlattenKey, FlattenValue } from './flatten.js';
import { HeaderFromKey, HeaderFromValue } from './header-from.js';
import { HoistFieldKey, HoistFieldValue } from './hoist-field.js';
import { InsertFieldKey, InsertFieldValue } from './insert-field.js';
import { InsertHeader } from './insert-header.js';
import { MaskFieldKey, MaskFieldValue } from './mask-field.js';
import { RegexRouter } from './regex-router.js';
import { ReplaceFieldKey, ReplaceFieldValue } from './replace-field.js';
import { TimestampConverterKey, TimestampConverterValue } from './timestamp-converter.js';
import { SetSchemaMetadataKey, SetSchemaMetadataValue } from './set-schema-metadata.js';
import { TimestampRouter } from './timestamp-router.js';
import { ValueToKey } from './value-to-key.js';
import { HasHeaderKey } from './predicates/has-header-key.js';
import { RecordIsTombstone } from './predicates/record-is-tombstone.js';
import { TopicNameMatches } from './predicates/topic-name-matches.js';

export type TransformationFactory = () => Transformation<AnyConnectRecord>;
export type PredicateFactory = () => Predicate<AnyConnectRecord>;

const TRANSFORMS_PACKAGE = 'org.apache.kafka.connect.transforms.';
const PREDICATES_PACKAGE = 'org.apache.kafka.connect.transforms.predicates.';

export class TransformRegistry {
  private readonly transforms = new Map<string, TransformationFactory>();
  private readonly predicates = new Map<string, PredicateFactory>();

  registerTransformation(className: string, factory: TransformationFactory): this {
    this.transforms.set(className, factory);
    return this;
  }

  registerPredicate(className: string, factory: PredicateFactory): this {
    this.predicates.set(className, factory);
    return this;
  }

  /** The factory for a class name or its short form, or undefined. */
  transformation(name: string): TransformationFactory | undefined {
    return this.transforms.get(name) ?? this.transforms.get(TRANSFORMS_PACKAGE + name);
  }

  predicate(name: string): PredicateFactory | undefined {
    return this.predicates.get(name) ?? this.predicates.get(PREDICATES_PACKAGE + name);
  }

  transformationClassNames(): string[] {
    return [...this.transforms.keys()];
  }

  predicateClassNames(): string[] {
    return [...this.predicates.keys()];
  }
}

/** A registry holding every built-in transform and predicate under its Kafka class name. */
export function defaultTransformRegistry(): TransformRegistry {
  const r = new TransformRegistry();
  const keyValue = (name: string, key: TransformationFactory, value: TransformationFactory): void => {
    r.registerTransformation(`${TRANSFORMS_PACKAGE}${name}$Key`, key);
    r.registerTransformation(`${TRANSFORMS_PACKAGE}${name}$Value`, value);
  };
  keyValue('InsertField', () => new InsertFieldKey(), () => new InsertFieldValue());
  keyValue('ReplaceField', () => new ReplaceFieldKey(), () => new ReplaceFieldValue());
  keyValue('MaskField', () => new MaskFieldKey(), () => new MaskFieldValue());
  keyValue('ExtractField', () => new ExtractFieldKey(), () => new ExtractFieldValue());
  keyValue('HoistField', () => new HoistFieldKey(), () => new HoistFieldValue());
  keyValue('Cast', () => new CastKey(), () => new CastValue());
  keyValue('TimestampConverter', () => new TimestampConverterKey(), () => new TimestampConverterValue());
  keyValue('Flatten', () => new FlattenKey(), () => new FlattenValue());
  keyValue('HeaderFrom', () => new HeaderFromKey(), () => new HeaderFromValue());
  keyValue('SetSchemaMetadata', () => new SetSchemaMetadataKey(), () => new SetSchemaMetadataValue());
  r.registerTransformation(`${TRANSFORMS_PACKAGE}ValueToKey`, () => new ValueToKey());
  r.registerTransformation(`${TRANSFORMS_PACKAGE}RegexRouter`, () => new RegexRouter());
  r.registerTransformation(`${TRANSFORMS_PACKAGE}TimestampRouter`, () => new TimestampRouter());
  r.registerTransformation(`${TRANSFORMS_PACKAGE}Filter`, () => new Filter());
  r.registerTransformation(`${TRANSFORMS_PACKAGE}InsertHeader`, () => new InsertHeader());
  r.registerTransformation(`${TRANSFORMS_PACKAGE}DropHeaders`, () => new DropHeaders());
  r.registerPredicate(`${PREDICATES_PACKAGE}TopicNameMatches`, () => new TopicNameMatches());
  r.registerPredicate(`${PREDICATES_PACKAGE}HasHeaderKey`, () => new HasHeaderKey());
  r.registerPredicate(`${PREDICATES_PACKAGE}RecordIsTombstone`, () => new RecordIsTombstone());
  return r;
}
