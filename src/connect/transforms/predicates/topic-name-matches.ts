/**
 * TopicNameMatches (org.apache.kafka.connect.transforms.predicates.TopicNameMatches): true when
 * the whole topic name matches `pattern` (Java's Matcher.matches; the pattern is a JS RegExp).
 */
import type { AnyConnectRecord, Predicate } from '../../api/transformation.js';
import { TransformConfigDef, NO_DEFAULT, nonEmptyString } from '../config.js';
import { compileJavaRegex } from '../regex-router.js';

const CONFIG_DEF = new TransformConfigDef()
  .define('pattern', 'STRING', NO_DEFAULT, 'MEDIUM', 'A Java regular expression for matching against the name of a record\'s topic.',
    (name, value) => {
      nonEmptyString(name, value);
      compileJavaRegex(name, value as string);
    });

export class TopicNameMatches<R extends AnyConnectRecord = AnyConnectRecord> implements Predicate<R> {
  static readonly OVERVIEW_DOC = 'A predicate which is true for records with a topic name that matches the configured regular expression.';
  private pattern: RegExp = /^$/;

  configure(props: Readonly<Record<string, string>>): void {
    this.pattern = compileJavaRegex('pattern', CONFIG_DEF.parse(props).getString('pattern')!);
  }

  test(record: R): boolean {
    return record.topic !== null && this.pattern.test(record.topic);
  }

  config(): TransformConfigDef {
    return CONFIG_DEF;
  }

  close(): void {}
}
