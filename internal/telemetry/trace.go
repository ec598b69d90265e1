package telemetry

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"carpool/internal/buildinfo"
)

// StartTracing installs the global OpenTelemetry tracer provider as the standard OTEL_*
// variables describe: an OTLP/HTTP exporter when OTEL_EXPORTER_OTLP_ENDPOINT or
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is set (the exporter reads the rest: headers,
// timeout, protocol details; the SDK reads OTEL_TRACES_SAMPLER). Without an endpoint, or
// with OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none, no SDK and no exporter run:
// the provider stays OpenTelemetry's no-op, which still passes an incoming traceparent
// on, so the access log shows the caller's trace id.
//
// The returned stop flushes the spans still buffered and shuts the exporter down; call
// it last, after the database has closed, so the spans of the drain are sent too.
func StartTracing(ctx context.Context, getenv func(string) string, bi buildinfo.Info, logger *slog.Logger) (stop func(context.Context) error, err error) {
	otel.SetTextMapPropagator(Propagator())
	noop := func(context.Context) error { return nil }
	switch {
	case strings.EqualFold(strings.TrimSpace(getenv("OTEL_SDK_DISABLED")), "true"):
		logger.Info("tracing off: OTEL_SDK_DISABLED=true")
		return noop, nil
	case strings.EqualFold(strings.TrimSpace(getenv("OTEL_TRACES_EXPORTER")), "none"):
		logger.Info("tracing off: OTEL_TRACES_EXPORTER=none")
		return noop, nil
	case getenv("OTEL_EXPORTER_OTLP_ENDPOINT") == "" && getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") == "":
		logger.Debug("tracing off: no OTEL_EXPORTER_OTLP_ENDPOINT")
		return noop, nil
	}
	if p := getenv("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"); p == "grpc" || (p == "" && getenv("OTEL_EXPORTER_OTLP_PROTOCOL") == "grpc") {
		return nil, fmt.Errorf("start tracing: OTEL_EXPORTER_OTLP_PROTOCOL=grpc is not built in; use http/protobuf (port 4318)")
	}
	exp, err := otlptracehttp.New(ctx)
	if err != nil {
		return nil, fmt.Errorf("start tracing: %w", err)
	}
	res, err := resource.New(ctx,
		resource.WithTelemetrySDK(),
		resource.WithAttributes(
			attribute.String("service.name", "carpool"),
			attribute.String("service.version", bi.Version),
		),
		resource.WithHost(),
		resource.WithFromEnv(), // last, so OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES win
	)
	if err != nil {
		// A partial resource is still useful; the error names what failed.
		logger.Warn("tracing resource incomplete", "err", err)
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(res))
	otel.SetTracerProvider(tp)
	otel.SetErrorHandler(otel.ErrorHandlerFunc(func(err error) {
		logger.Warn("tracing", "err", err)
	}))
	logger.Info("tracing on: exporting spans over OTLP/HTTP")
	return func(ctx context.Context) error {
		if err := tp.Shutdown(ctx); err != nil {
			return fmt.Errorf("flush traces: %w", err)
		}
		return nil
	}, nil
}

// TracingOn reports whether StartTracing installed a provider that records spans.
func TracingOn() bool {
	_, ok := otel.GetTracerProvider().(*sdktrace.TracerProvider)
	return ok
}
