/**
 * TopicNameMatches (org.apache.kafka.connect.transforms.predicates.TopicNameMatches): true when
 * the whole topic name matches `pattern` (Java's Matcher.matches; the pattern is a JS RegExp).
 */
import type { AnyConnectRecord, Predicate } from '../../api/transformation.js';
import { CompositeValidator, ConfigDef, NonEmptyString } from '../../api/config-def.js';
import { SimpleConfig } from '../simple-config.js';
import { REGEX_VALIDATOR, compileJavaRegex } from '../regex-router.js';

const CONFIG_DEF = new ConfigDef()
  .define('pattern', 'STRING', {
    validator: CompositeValidator.of(new NonEmptyString(), REGEX_VALIDATOR),
    importance: 'MEDIUM',
    documentation: 'A Java regular expression for matching against the name of a record\'s topic.',
  });

export class TopicNameMatches<R extends AnyConnectRecord = AnyConnectRecord> implements Predicate<R> {
  static readonly OVERVIEW_DOC = 'A predicate which is true for records with a topic name that matches the configured regular expression.';
  private pattern: RegExp = /^$/;

  configure(props: Readonly<Record<string, string>>): void {
    this.pattern = compileJavaRegex('pattern', new SimpleConfig(CONFIG_DEF, props).getString('pattern')!);
  }

  test(record: R): boolean {
    return record.topic !== null && this.pattern.test(record.topic);
  }

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  close(): void {}
}
