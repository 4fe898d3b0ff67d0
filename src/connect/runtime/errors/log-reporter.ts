/**
 * `errors.log.enable`: logs each failed operation (Kafka's LogReporter), with the consumed record's
 * coordinates and, with `errors.log.include.messages`, the record itself.
 */
import type { Logger } from '../../../logging/logger.js';
import type { ErrorReporter, ProcessingContext } from './retry-with-tolerance.js';

export class LogReporter implements ErrorReporter {
  constructor(
    private readonly taskId: string,
    private readonly includeMessages: boolean,
    private readonly logger: Logger,
  ) {}

  async report(context: ProcessingContext): Promise<void> {
    const c = context.consumed;
    let where = '';
    if (c !== undefined) {
      where = this.includeMessages
        ? `, where consumed record is {topic='${c.topic}', partition=${c.partition}, offset=${c.offset}, timestamp=${c.timestamp}, key=${c.key?.toString('utf8') ?? 'null'}, value=${c.value?.toString('utf8') ?? 'null'}}`
        : `, where consumed record is {topic='${c.topic}', partition=${c.partition}, offset=${c.offset}, timestamp=${c.timestamp}}`;
    } else if (context.sourceRecord !== undefined && this.includeMessages) {
      where = `, where source record is = ${String(context.sourceRecord)}`;
    }
    this.logger.error({ err: context.error.message, stage: context.stage }, `Error encountered in task ${this.taskId}. Executing stage '${context.stage}' with class '${context.executingClass}'${where}.`);
  }

  async close(): Promise<void> {}
}
