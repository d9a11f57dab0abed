//go:build race

package outbox_test

// raceOn shrinks the 100,000-change tests under the race detector, which
// runs them ten times slower; the full size runs in the normal suite.
const raceOn = true
