import type { SpanExporter } from '@opentelemetry/sdk-trace-node';
import type { Logger } from '../shared/logger.js';

/** A process's tracing: `shutdown` flushes the spans not yet exported. */
export interface Tracing {
  readonly enabled: boolean;
  shutdown(): Promise<void>;
}

type Env = Readonly<Record<string, string | undefined>>;

const OFF: Tracing = { enabled: false, shutdown: () => Promise.resolve() };

/** The variables that, set, ask for tracing (OTEL_TRACES_EXPORTER=none aside). */
const ASKING = [
  'OTEL_TRACES_EXPORTER',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  'OTEL_SERVICE_NAME',
] as const;

/**
 * Whether the environment asks for tracing: one of the standard OpenTelemetry
 * variables is set, OTEL_TRACES_EXPORTER is not `none` and OTEL_SDK_DISABLED
 * is not `true`.
 */
export function tracingRequested(env: Env): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  if (exporterNames(env).every((name) => name === 'none')) return false;
  return ASKING.some((name) => (env[name] ?? '').trim() !== '');
}

/**
 * Starts the OpenTelemetry SDK for this process (worker, api, dev) when the
 * environment asks for it: a tracer provider with a batch processor per
 * exporter (OTLP over HTTP, protobuf or JSON after OTEL_EXPORTER_OTLP_PROTOCOL;
 * or the console), the W3C propagators and an async-local context manager.
 * Otherwise nothing is loaded (the imports are dynamic) and the code's spans
 * stay the API's no-op ones. Endpoint, headers, batch delay and sampler are
 * the SDK's own standard variables.
 */
export async function startTracing(env: Env, logger: Logger): Promise<Tracing> {
  if (!tracingRequested(env)) {
    logger.debug('tracing off: no OTEL_ variable asks for it');
    return OFF;
  }
  const { NodeTracerProvider, BatchSpanProcessor } = await import('@opentelemetry/sdk-trace-node');
  const exporters = await createExporters(env, logger);
  if (exporters.length === 0) {
    logger.warn('tracing off: no usable exporter in OTEL_TRACES_EXPORTER');
    return OFF;
  }
  const { defaultResource, detectResources, envDetector, resourceFromAttributes } =
    await import('@opentelemetry/resources');
  // service.name is taskrest unless OTEL_SERVICE_NAME or OTEL_RESOURCE_ATTRIBUTES say otherwise.
  const resource = defaultResource()
    .merge(resourceFromAttributes({ 'service.name': 'taskrest' }))
    .merge(detectResources({ detectors: [envDetector] }));
  const provider = new NodeTracerProvider({
    resource,
    spanProcessors: exporters.map(({ exporter }) => new BatchSpanProcessor(exporter)),
  });
  provider.register();
  logger.info('tracing started', { exporters: exporters.map(({ name }) => name) });
  return {
    enabled: true,
    async shutdown() {
      await provider.shutdown().catch((error: unknown) =>
        logger.warn('could not flush the last spans', {
          error: error instanceof Error ? error.message : String(error),
        }),
      );
    },
  };
}

function exporterNames(env: Env): string[] {
  const names = (env.OTEL_TRACES_EXPORTER ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
  return names.length === 0 ? ['otlp'] : names;
}

async function createExporters(
  env: Env,
  logger: Logger,
): Promise<{ name: string; exporter: SpanExporter }[]> {
  const exporters: { name: string; exporter: SpanExporter }[] = [];
  for (const name of new Set(exporterNames(env))) {
    if (name === 'none') continue;
    if (name === 'console') {
      const { ConsoleSpanExporter } = await import('@opentelemetry/sdk-trace-node');
      exporters.push({ name, exporter: new ConsoleSpanExporter() });
      continue;
    }
    if (name !== 'otlp') {
      logger.warn('unknown trace exporter ignored', { exporter: name });
      continue;
    }
    const protocol = (
      env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ??
      env.OTEL_EXPORTER_OTLP_PROTOCOL ??
      'http/protobuf'
    ).trim();
    if (protocol === 'http/json') {
      const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
      exporters.push({ name: 'otlp http/json', exporter: new OTLPTraceExporter() });
    } else if (protocol === 'http/protobuf') {
      const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-proto');
      exporters.push({ name: 'otlp http/protobuf', exporter: new OTLPTraceExporter() });
    } else {
      logger.warn('OTLP protocol not supported: use http/protobuf or http/json', { protocol });
    }
  }
  return exporters;
}
