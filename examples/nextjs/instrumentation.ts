// OpenTelemetry for the app, as Next's docs write it: @vercel/otel registers a tracer provider,
// so Next's own spans (the request, the server action) and roq-invites' (a span per call, a
// CLIENT span per HTTP attempt under it) go to one trace, exported over OTLP/HTTP to
// OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT), as protobuf or, with
// OTEL_EXPORTER_OTLP_PROTOCOL=http/json, as JSON. Without an endpoint, @vercel/otel would send
// them to http://localhost:4318: register nothing then, so that nothing is sent anywhere.
import { registerOTel } from '@vercel/otel'

export function register() {
  if (process.env.OTEL_EXPORTER_OTLP_ENDPOINT || process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT)
    registerOTel({ serviceName: 'roq-invites-nextjs-example' })
}
