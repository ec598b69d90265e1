// Package rollout holds multi-process tests of `carpool serve`: real binaries on
// 127.0.0.1, each with its own SQLite file, driven over HTTP and signalled like a
// Kubernetes rollout would. The package has no code of its own; see the _test files.
package rollout
