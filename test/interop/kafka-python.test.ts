import { clientSuite } from './interop-support.js';

clientSuite({ client: 'kafka-python', reader: 'confluent-kafka', compression: 'none' });
