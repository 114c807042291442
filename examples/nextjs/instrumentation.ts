// OpenTelemetry for the app, as Next's docs write it: @vercel/otel registers a tracer provider,
// so Next's own spans (the request, the server action) and roq-invites' (a span per call, a
// CLIENT span per HTTP attempt under it) go to one trace. They are exported over OTLP/HTTP when
// OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set, as protobuf or, with
// OTEL_EXPORTER_OTLP_PROTOCOL=http/json, as JSON; without it nothing is exported anywhere.
import { registerOTel } from '@vercel/otel'

export function register() {
  registerOTel({ serviceName: 'roq-invites-nextjs-example' })
}
