package telemetry

import "github.com/prometheus/client_golang/prometheus"

// SignInRefusals counts refused sign-ins by password, by reason, as
// carpool_signin_refusals_total{reason}: throttled attempts and bad credentials rise in
// an attack on accounts, busy hash slots when a replica has too little memory (or CPU)
// for the sign-ins it gets. A nil *SignInRefusals counts nothing.
type SignInRefusals struct {
	c *prometheus.CounterVec
}

// RegisterSignInRefusals registers the counter with every one of reasons at zero, so a
// rate over it exists before the first refusal.
func (m *Metrics) RegisterSignInRefusals(reasons []string) *SignInRefusals {
	c := prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: namespace, Name: "signin_refusals_total",
		Help: "Sign-ins by password refused, by reason: throttled, hash_slots_busy, bad_credentials."}, []string{"reason"})
	m.Registry.MustRegister(c)
	for _, r := range reasons {
		c.WithLabelValues(r)
	}
	return &SignInRefusals{c: c}
}

// Refused counts one refusal for reason.
func (s *SignInRefusals) Refused(reason string) {
	if s != nil {
		s.c.WithLabelValues(reason).Inc()
	}
}
