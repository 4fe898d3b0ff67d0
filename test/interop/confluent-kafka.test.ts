import { clientSuite } from './interop-support.js';

clientSuite({ client: 'confluent-kafka', reader: 'kcat', compression: 'zstd' });
