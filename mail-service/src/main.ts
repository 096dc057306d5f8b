// First: instruments the modules loaded after it (see ./tracing).
import './tracing';
import { runService } from '@ms/service-kit';
import { configSchema } from './config';
import { start } from './service';

if (require.main === module) void runService({ name: 'mail-service', configSchema, start });
