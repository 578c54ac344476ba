import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

/** One logger, metrics emitter and tracer for all of the pipeline's functions, under one service name. */
const serviceName = 'zielvereinbarungen';
export const logger = new Logger({ serviceName });
export const metrics = new Metrics({ serviceName, namespace: 'Zielvereinbarungen' });
export const tracer = new Tracer({ serviceName });
