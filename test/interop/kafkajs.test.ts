import { clientSuite } from './interop-support.js';

clientSuite({ client: 'kafkajs', reader: 'kafka-python', compression: 'gzip' });
